using System.Text.Json;
using Velithon.Contracts;

namespace Velithon.Runtime.Tests.Contracts;

/// <summary>
/// The typed socket of the board contract, written by hand exactly as Velithon's generator emits it for
/// <c>[WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardTestJson))]</c>: one
/// <c>SendAsync</c> per outbound case, one <c>RequestAsync</c> per outbound request case, one <c>BroadcastAsync</c> per
/// outbound one-way case, cached type infos and tags.
/// </summary>
public sealed class TestBoardSocket : ContractSocket
{
    private static readonly JsonEncodedText CardAddedTag = JsonEncodedText.Encode("card-added");
    private static readonly JsonEncodedText CardMovedTag = JsonEncodedText.Encode("card-moved");
    private static readonly JsonEncodedText AskNameTag = JsonEncodedText.Encode("ask-name");

    public TestBoardSocket(WebSocket socket, ContractDispatch dispatch)
        : base(socket, dispatch)
    {
    }

    public static TestBoardSocket From(WebSocket socket) => From<TestBoardSocket>(socket);

    public ValueTask SendAsync(CardAdded message, CancellationToken cancellationToken = default) =>
        SendMessageAsync(CardAddedTag, message, BoardTestJson.Default.CardAdded, cancellationToken);

    public ValueTask SendAsync(CardMoved message, CancellationToken cancellationToken = default) =>
        SendMessageAsync(CardMovedTag, message, BoardTestJson.Default.CardMoved, cancellationToken);

    public Task<NameReply> RequestAsync(AskName request, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendRequestAsync(AskNameTag, request, BoardTestJson.Default.AskName, BoardTestJson.Default.NameReply, timeout, cancellationToken);

    public static ValueTask<int> BroadcastAsync(BroadcastTarget target, CardAdded message, CancellationToken cancellationToken = default) =>
        BroadcastMessageAsync(target, CardAddedTag, message, BoardTestJson.Default.CardAdded, cancellationToken);

    public static ValueTask<int> BroadcastAsync(BroadcastTarget target, CardMoved message, CancellationToken cancellationToken = default) =>
        BroadcastMessageAsync(target, CardMovedTag, message, BoardTestJson.Default.CardMoved, cancellationToken);
}
