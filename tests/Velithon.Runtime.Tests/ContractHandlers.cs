using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Velithon;

namespace Velithon.Runtime.Tests;

// A typed contract served twice, by an endpoint class and by a static route, through the generated code alone.

[JsonDerivedType(typeof(AddCard), "add-card")]
[JsonDerivedType(typeof(GetBoard), "get-board")]
[JsonDerivedType(typeof(RenameBoard), "rename-board")]
[JsonDerivedType(typeof(Introduce), "introduce")]
public abstract record BoardClientMessage;

public sealed record AddCard([property: Required, StringLength(10)] string Title) : BoardClientMessage;

public sealed record GetBoard : BoardClientMessage, IWebSocketRequest<BoardSnapshot>;

/// <summary>Checked by <see cref="IValidatableObject"/> once its attributes pass.</summary>
public sealed record RenameBoard([Required] string Name, [property: JsonPropertyName("old_name")] string OldName) : BoardClientMessage, IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Name == OldName)
        {
            yield return new ValidationResult("The new name must differ from the old one.", [nameof(Name)]);
        }
    }
}

/// <summary>Makes the server ask the client's name while it dispatches, and answer with it.</summary>
public sealed record Introduce : BoardClientMessage;

[JsonDerivedType(typeof(CardAdded), "card-added")]
[JsonDerivedType(typeof(AskName), "ask-name")]
public abstract record BoardServerMessage;

public sealed record CardAdded(int CardId, string Title) : BoardServerMessage;

public sealed record AskName(string Prompt) : BoardServerMessage, IWebSocketRequest<NameReply>;

public sealed record NameReply(string Name);

public sealed record BoardSnapshot(string BoardId, int Cards);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AddCard))]
[JsonSerializable(typeof(GetBoard))]
[JsonSerializable(typeof(RenameBoard))]
[JsonSerializable(typeof(Introduce))]
[JsonSerializable(typeof(BoardSnapshot))]
[JsonSerializable(typeof(CardAdded))]
[JsonSerializable(typeof(AskName))]
[JsonSerializable(typeof(NameReply))]
internal sealed partial class BoardJson : JsonSerializerContext;

[WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
public sealed partial class BoardSocket;

/// <summary>The endpoint form, answering invalid messages with error envelopes.</summary>
[WebSocket("/contract/board/<boardId>")]
[InvalidMessages(InvalidMessageBehavior.SendError)]
public sealed class ContractBoardEndpoint(string boardId) : WebSocketEndpoint
{
    public override async ValueTask OnConnectCompleteAsync(WebSocket ws)
    {
        // A request before the dispatch loop runs: the runtime reads its reply meanwhile.
        if (ws.Query["ask"] == "1")
        {
            var board = BoardSocket.From(ws);
            NameReply name = await board.RequestAsync(new AskName("Who are you?"));
            await board.SendAsync(new CardAdded(0, "hello " + name.Name));
        }
    }

    [OnMessage]
    public ValueTask OnAdd(BoardSocket socket, AddCard add) => socket.SendAsync(new CardAdded(1, boardId + ":" + add.Title));

    [OnMessage]
    public ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => new(new BoardSnapshot(boardId, 1));

    [OnMessage]
    public ValueTask OnRename(BoardSocket socket, RenameBoard rename) => socket.SendAsync(new CardAdded(2, rename.OldName + "->" + rename.Name));

    [OnMessage]
    public async ValueTask OnIntroduce(BoardSocket socket, Introduce introduce)
    {
        NameReply name = await socket.RequestAsync(new AskName("Introduce yourself"));
        await socket.SendAsync(new CardAdded(3, "met " + name.Name));
    }
}

/// <summary>The static form, closing on invalid messages (the options' default).</summary>
public static class ContractBoard
{
    [WebSocket("/contract/board2/<boardId>")]
    public static async Task Connect(BoardSocket socket, string boardId)
    {
        await socket.AcceptAsync();
        await socket.SendAsync(new CardAdded(0, "welcome to " + boardId));
        await socket.DispatchMessagesAsync();
    }

    [OnMessage]
    public static ValueTask OnAdd(BoardSocket socket, AddCard add) => socket.SendAsync(new CardAdded(1, socket.PathParameters["boardId"] + ":" + add.Title));

    [OnMessage]
    public static Task<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => Task.FromResult(new BoardSnapshot((string)socket.PathParameters["boardId"]!, 2));

    [OnMessage]
    public static ValueTask OnRename(BoardSocket socket, RenameBoard rename) => socket.SendAsync(new CardAdded(2, rename.Name));

    [OnMessage]
    public static async Task OnIntroduce(BoardSocket socket, Introduce introduce)
    {
        NameReply name = await socket.RequestAsync(new AskName("Introduce yourself"));
        await socket.SendAsync(new CardAdded(3, "met " + name.Name));
    }
}
