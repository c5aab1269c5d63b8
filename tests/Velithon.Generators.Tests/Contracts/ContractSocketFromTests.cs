using Velithon.Generators.Analyzers;

namespace Velithon.Generators.Tests.Contracts;

/// <summary>VLT0051: <c>TSocket.From(ws)</c> on a handler's own socket where the route speaks another contract, or none.</summary>
public sealed class ContractSocketFromTests
{
    /// <summary>The usings of a contract source that <see cref="ProtocolMarkup"/> does not add itself.</summary>
    private static readonly string ExtraUsings = ContractSources.Usings[SnapshotTests.Usings.Length..];

    private const string OtherSocket = """
        [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
        public sealed partial class ListSocket;

        """;

    [Fact]
    public async Task FromOnARouteWithoutAContract_ReportsVLT0051()
    {
        var diagnostics = await ProtocolMarkup.VerifyAsync(new ContractSocketFromAnalyzer(), ExtraUsings + "namespace Demo;\n\n" + ContractSources.Messages + ContractSources.Socket + """
            public static class Plain
            {
                [WebSocket("/plain")]
                public static async Task Connect(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    await {|VLT0051:BoardSocket.From(ws)|}.SendAsync(new CardAdded(0, "hello"));
                }
            }
            """);
        Assert.Equal(
            "'BoardSocket.From(ws)' throws InvalidOperationException on every connection: the route '/plain' speaks no contract, so its connections have no typed socket; a route speaks 'BoardSocket' when its handler takes 'BoardSocket' as a parameter (of the [WebSocket] method)",
            ProtocolMarkup.Message(diagnostics[0]));
    }

    [Fact]
    public async Task FromOfAnotherContractInAnEndpointClass_ReportsVLT0051NamingTheRightOne()
    {
        var diagnostics = await ProtocolMarkup.VerifyAsync(new ContractSocketFromAnalyzer(), ExtraUsings + "namespace Demo;\n\n" + ContractSources.Messages + ContractSources.Socket + OtherSocket + """
            [WebSocket("/list")]
            public sealed class ListEndpoint : WebSocketEndpoint
            {
                public override async ValueTask OnConnectCompleteAsync(WebSocket socket)
                {
                    await {|VLT0051:BoardSocket.From(socket)|}.SendAsync(new CardAdded(0, "hello"));
                    await ListSocket.From(socket).SendAsync(new CardAdded(1, "fine"));
                }

                [OnMessage]
                public ValueTask OnAdd(ListSocket socket, AddCard add) => socket.SendAsync(new CardAdded(1, add.Title));

                [OnMessage]
                public Task OnMove(ListSocket socket, MoveCard move) => Task.CompletedTask;

                [OnMessage]
                public ValueTask<BoardSnapshot> OnGet(ListSocket socket, GetBoard get) => new(new BoardSnapshot([]));
            }
            """);
        Assert.Equal(
            "'BoardSocket.From(socket)' throws InvalidOperationException on every connection: the route '/list' speaks the contract of 'ListSocket'; ask for 'ListSocket.From(socket)'",
            ProtocolMarkup.Message(diagnostics[0]));
    }

    [Fact]
    public async Task FromOfTheRoutesOwnContract_OrOfASocketFromElsewhere_ReportsNothing()
    {
        await ProtocolMarkup.VerifyAsync(new ContractSocketFromAnalyzer(), ExtraUsings + "namespace Demo;\n\n" + ContractSources.Messages + ContractSources.Socket + ContractSources.Endpoint + """
            public static class Board
            {
                [WebSocket("/board2/<boardId>")]
                public static async Task Connect(BoardSocket socket, WebSocket ws, string boardId)
                {
                    await socket.AcceptAsync();
                    await BoardSocket.From(ws).SendAsync(new CardAdded(0, "welcome to " + boardId));
                    await socket.DispatchMessagesAsync();
                }

                [OnMessage]
                public static ValueTask OnAdd(BoardSocket socket, AddCard add) => socket.SendAsync(new CardAdded(2, add.Title));

                [OnMessage]
                public static ValueTask OnMove(BoardSocket socket, MoveCard move) => default;

                [OnMessage]
                public static Task<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => Task.FromResult(new BoardSnapshot([]));

                // Not a handler: the socket may be any route's.
                public static BoardSocket Typed(WebSocket ws) => BoardSocket.From(ws);
            }

            public static class Plain
            {
                [WebSocket("/plain")]
                public static async Task Connect(WebSocket ws, IWebSocketHub hub)
                {
                    await ws.AcceptAsync();
                    Func<WebSocket, BoardSocket> other = s => BoardSocket.From(s);
                    await ws.SendTextAsync(other.ToString()!);
                }
            }
            """);
    }
}
