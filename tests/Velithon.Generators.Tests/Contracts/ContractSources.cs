namespace Velithon.Generators.Tests.Contracts;

/// <summary>The board contract of docs/contracts.md, as test sources: messages, a hand-written JSON context, the typed socket.</summary>
internal static class ContractSources
{
    public const string Usings = SnapshotTests.Usings + """
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations;

        """;

    /// <summary>The message sets and their context. The System.Text.Json generator does not run in these test compilations.</summary>
    public const string Messages = """
        [JsonDerivedType(typeof(AddCard), "add-card")]
        [JsonDerivedType(typeof(MoveCard), "move-card")]
        [JsonDerivedType(typeof(GetBoard), "get-board")]
        public abstract record BoardClientMessage;
        public sealed record AddCard([property: Required, StringLength(80)] string Title) : BoardClientMessage;
        public sealed record MoveCard(int CardId, string Column) : BoardClientMessage;
        public sealed record GetBoard() : BoardClientMessage, IWebSocketRequest<BoardSnapshot>;

        [JsonDerivedType(typeof(CardAdded), "card-added")]
        [JsonDerivedType(typeof(AskName), "ask-name")]
        public abstract record BoardServerMessage;
        public sealed record CardAdded(int CardId, string Title) : BoardServerMessage;
        public sealed record AskName(string Prompt) : BoardServerMessage, IWebSocketRequest<NameReply>;
        public sealed record NameReply(string Name);
        public sealed record BoardSnapshot(IReadOnlyList<CardAdded> Cards);

        [JsonSerializable(typeof(AddCard))]
        [JsonSerializable(typeof(MoveCard))]
        [JsonSerializable(typeof(GetBoard))]
        [JsonSerializable(typeof(BoardSnapshot))]
        [JsonSerializable(typeof(CardAdded))]
        [JsonSerializable(typeof(AskName))]
        [JsonSerializable(typeof(NameReply))]
        public sealed class BoardJson() : JsonSerializerContext(null)
        {
            public static BoardJson Default { get; } = new();
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
        }

        """;

    public const string Socket = """
        [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
        public sealed partial class BoardSocket;

        """;

    public const string Endpoint = """
        [WebSocket("/board/<boardId>")]
        [InvalidMessages(InvalidMessageBehavior.SendError)]
        public sealed class BoardEndpoint(string boardId) : WebSocketEndpoint
        {
            public override async ValueTask OnConnectCompleteAsync(WebSocket ws)
            {
                NameReply name = await BoardSocket.From(ws).RequestAsync(new AskName("Who are you?"));
                await BoardSocket.From(ws).SendAsync(new CardAdded(0, name.Name + " on " + boardId));
            }

            [OnMessage]
            public ValueTask OnAdd(BoardSocket socket, AddCard add) => socket.SendAsync(new CardAdded(1, add.Title));

            [OnMessage]
            public Task OnMove(BoardSocket socket, MoveCard move) => Task.CompletedTask;

            [OnMessage]
            public ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => new(new BoardSnapshot([]));
        }

        """;

    public const string StaticRoute = """
        public static class Board
        {
            [WebSocket("/board2/<boardId>")]
            public static async Task Connect(BoardSocket socket, string boardId)
            {
                await socket.AcceptAsync();
                await socket.SendAsync(new CardAdded(0, "welcome to " + boardId));
                await socket.DispatchMessagesAsync();
            }

            [OnMessage]
            public static ValueTask OnAdd(BoardSocket socket, AddCard add) => socket.SendAsync(new CardAdded(2, add.Title));

            [OnMessage]
            public static ValueTask OnMove(BoardSocket socket, MoveCard move) => default;

            [OnMessage]
            public static Task<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => Task.FromResult(new BoardSnapshot([]));
        }

        """;

    public const string Board = "namespace Demo;\n\n" + Messages + Socket + Endpoint + StaticRoute;
}
