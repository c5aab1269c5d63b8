using System.ComponentModel.DataAnnotations;
using Velithon.Contracts;

namespace Velithon.Runtime.Tests.Contracts;

/// <summary>
/// A static contract route as a user writes it (<see cref="Connect"/> and one handler per inbound case), with the
/// dispatch Velithon's generator writes for it (<see cref="Dispatch"/>), by hand.
/// </summary>
public static class BoardRoute
{
    private static int s_nextCardId;

    /// <summary>The cached dispatch delegate, as the generated route keeps it.</summary>
    public static readonly ContractDispatch DispatchDelegate = Dispatch;

    public static async Task Connect(TestBoardSocket socket, string boardId)
    {
        await socket.AcceptAsync();
        if (socket.HttpContext.Request.Query["welcome"] == "1")
        {
            await socket.SendAsync(new CardAdded(0, "welcome to " + boardId));
        }

        await socket.DispatchMessagesAsync();
    }

    // The [OnMessage] handlers.
    public static ValueTask OnAdd(TestBoardSocket socket, AddCard add)
    {
        var card = new CardAdded(Interlocked.Increment(ref s_nextCardId), add.Title!);
        Cards(socket).Add(card);
        return socket.SendAsync(card);
    }

    public static ValueTask OnMove(TestBoardSocket socket, MoveCard move) => socket.SendAsync(new CardMoved(move.CardId, move.Column));

    public static ValueTask<BoardSnapshot> OnGet(TestBoardSocket socket, GetBoard get) => new(new BoardSnapshot([.. Cards(socket)]));

    public static async ValueTask<Answer> OnAskMe(TestBoardSocket socket, AskMe ask)
    {
        var name = await socket.RequestAsync(new AskName(ask.Question));
        return new Answer("hello " + name.Name);
    }

    public static Task<Answer> OnFail(TestBoardSocket socket, FailPlease fail) =>
        Task.FromException<Answer>(fail.Text == "crash" ? new InvalidOperationException("The handler crashed.") : new WebSocketRequestException(fail.Text));

    public static async ValueTask OnHold(TestBoardSocket socket, Hold hold)
    {
        await ContractProbe.WaitForSignalAsync(hold.Key);
        await socket.SendAsync(new CardMoved(0, "held " + hold.Key));
    }

    public static ValueTask OnAsk(TestBoardSocket socket, Ask ask)
    {
        TimeSpan? timeout = ask.TimeoutMilliseconds > 0 ? TimeSpan.FromMilliseconds(ask.TimeoutMilliseconds) : null;
        var token = ContractProbe.Cancellation(ask.Key).Token;
        for (int i = 0; i < ask.Count; i++)
        {
            // In the background: the handler returns, and the dispatch loop reads the replies.
            _ = ContractProbe.TrackAsync(ask.Key, i, socket.RequestAsync(new AskName($"{ask.Key} {i}"), timeout, token));
        }

        return default;
    }

    private static List<CardAdded> Cards(TestBoardSocket socket) =>
        (List<CardAdded>)(socket.HttpContext.Items["cards"] ??= new List<CardAdded>());

    /// <summary>The dispatch the generator writes: match the tag, deserialize, validate, call, reply.</summary>
    public static ValueTask Dispatch(ContractSocket socket, in ContractMessage message)
    {
        var board = (TestBoardSocket)socket;
        if (message.TypeEquals("add-card"u8))
        {
            if (!ContractMessages.TryDeserialize(message, BoardTestJson.Default.AddCard, out var add))
            {
                return ContractMessages.RejectMalformedAsync(socket, message);
            }

            if (Validate(add) is { } errors)
            {
                return ContractMessages.RejectInvalidAsync(socket, message, errors);
            }

            return OnAdd(board, add);
        }

        if (message.TypeEquals("move-card"u8))
        {
            return ContractMessages.TryDeserialize(message, BoardTestJson.Default.MoveCard, out var move)
                ? OnMove(board, move)
                : ContractMessages.RejectMalformedAsync(socket, message);
        }

        if (message.TypeEquals("get-board"u8))
        {
            if (message.Id == 0 || !ContractMessages.TryDeserialize(message, BoardTestJson.Default.GetBoard, out var get))
            {
                return ContractMessages.RejectMalformedAsync(socket, message);
            }

            return ContractMessages.ReplyAsync(socket, message, OnGet(board, get), BoardTestJson.Default.BoardSnapshot);
        }

        if (message.TypeEquals("ask-me"u8))
        {
            if (message.Id == 0 || !ContractMessages.TryDeserialize(message, BoardTestJson.Default.AskMe, out var ask))
            {
                return ContractMessages.RejectMalformedAsync(socket, message);
            }

            return ContractMessages.ReplyAsync(socket, message, OnAskMe(board, ask), BoardTestJson.Default.Answer);
        }

        if (message.TypeEquals("fail-please"u8))
        {
            if (message.Id == 0 || !ContractMessages.TryDeserialize(message, BoardTestJson.Default.FailPlease, out var fail))
            {
                return ContractMessages.RejectMalformedAsync(socket, message);
            }

            return ContractMessages.ReplyAsync(socket, message, OnFail(board, fail), BoardTestJson.Default.Answer);
        }

        if (message.TypeEquals("hold"u8))
        {
            return ContractMessages.TryDeserialize(message, BoardTestJson.Default.Hold, out var hold)
                ? OnHold(board, hold)
                : ContractMessages.RejectMalformedAsync(socket, message);
        }

        if (message.TypeEquals("ask"u8))
        {
            return ContractMessages.TryDeserialize(message, BoardTestJson.Default.Ask, out var ask)
                ? OnAsk(board, ask)
                : ContractMessages.RejectMalformedAsync(socket, message);
        }

        return ContractMessages.RejectUnknownAsync(socket, message);
    }

    /// <summary>The validation the generator writes for AddCard's [Required, StringLength(80)] Title, keyed by its JSON name.</summary>
    private static ValidationErrors? Validate(AddCard add)
    {
        ValidationErrors? errors = null;
        var required = new RequiredAttribute();
        var length = new StringLengthAttribute(80);
        if (!required.IsValid(add.Title))
        {
            (errors ??= new ValidationErrors()).Add("title", required.FormatErrorMessage("Title"));
        }
        else if (!length.IsValid(add.Title))
        {
            (errors ??= new ValidationErrors()).Add("title", length.FormatErrorMessage("Title"));
        }

        return errors;
    }
}

/// <summary>An endpoint class with the board contract: it asks the client's name as soon as it is connected, before the dispatch loop runs.</summary>
public sealed class BoardTestEndpoint(string boardId) : WebSocketEndpoint
{
    public override async ValueTask OnConnectCompleteAsync(WebSocket ws)
    {
        var board = TestBoardSocket.From(ws);
        NameReply name = await board.RequestAsync(new AskName("Who are you?"));
        await board.SendAsync(new CardAdded(0, $"{name.Name} joined {boardId}"));
    }

    public override ValueTask OnDisconnectAsync(WebSocket ws)
    {
        ContractProbe.Signal("endpoint-disconnected " + ws.HttpContext.Request.Query["key"]);
        return default;
    }
}

/// <summary>Another contract's socket, for <c>From</c> on a connection of the wrong contract.</summary>
public sealed class OtherTestSocket(WebSocket socket, ContractDispatch dispatch) : ContractSocket(socket, dispatch)
{
    public static OtherTestSocket From(WebSocket socket) => From<OtherTestSocket>(socket);
}
