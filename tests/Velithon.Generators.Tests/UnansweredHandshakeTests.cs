using Velithon.Generators.Analyzers;

namespace Velithon.Generators.Tests;

/// <summary>VLT0038: a handler path that returns without accepting or closing, so the handshake gets a bare 403.</summary>
public sealed class UnansweredHandshakeTests
{
    [Fact]
    public async Task PathWithoutAcceptOrClose_ReportsVLT0038AtTheReturn()
    {
        var diagnostics = await ProtocolMarkup.VerifyAsync(new UnansweredHandshakeAnalyzer(), """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws, [FromQuery] string? token)
                {
                    if (token is null)
                    {
                        {|VLT0038:return;|}
                    }

                    if (ws.Query.ContainsKey("debug"))
                    {
                        await ws.CloseAsync(4003, "no debugging here");
                        return;
                    }

                    await ws.AcceptAsync();
                    await ws.SendTextAsync("hello");
                }

                [WebSocket("/b")]
                public static Task Nothing(WebSocket ws) => {|VLT0038:Task.CompletedTask|};

                [WebSocket("/c/<room>")]
                public static async Task Maybe(WebSocket ws, string room)
                {
                    switch (room)
                    {
                        case "closed":
                            break;
                        default:
                            await ws.AcceptAsync();
                            break;
                    }
                {|VLT0038:}|}
            }
            """);
        Assert.Equal(
            "The handler 'Handle' can return here without AcceptAsync or CloseAsync, so the handshake is refused with HTTP 403 and no reason; call 'await ws.CloseAsync(code, reason)' to say why, or accept the connection",
            ProtocolMarkup.Message(diagnostics[0]));
    }

    [Fact]
    public async Task EveryPathAnswers_ReportsNothing()
    {
        await ProtocolMarkup.VerifyAsync(new UnansweredHandshakeAnalyzer(), """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws, [FromQuery] string? token)
                {
                    if (token is null)
                    {
                        await ws.CloseAsync(4001, "token required");
                        return;
                    }
                    else if (token.Length > 100)
                    {
                        throw new WebSocketCloseException(4000, "token too long");
                    }

                    await ws.AcceptAsync();
                    while (true)
                    {
                        var text = await ws.ReceiveTextAsync();
                        if (text == "bye")
                        {
                            return;
                        }
                    }
                }

                [WebSocket("/b")]
                public static Task Delegate(WebSocket ws) => Run(ws);

                [WebSocket("/c")]
                public static async Task Loop(WebSocket ws)
                {
                    for (;;)
                    {
                        await ws.AcceptAsync();
                        break;
                    }
                }

                [WebSocket("/d")]
                public static async Task Finally(WebSocket ws, [FromQuery] bool early)
                {
                    try
                    {
                        if (early)
                        {
                            return;
                        }
                    }
                    finally
                    {
                        await ws.CloseAsync();
                    }
                }

                [WebSocket("/e")]
                public static async Task Caught(WebSocket ws)
                {
                    try
                    {
                        await ws.AcceptAsync();
                    }
                    catch (InvalidOperationException)
                    {
                        return;
                    }
                }

                private static async Task Run(WebSocket ws)
                {
                    if (ws.Query.Count == 0)
                    {
                        return;
                    }

                    await ws.AcceptAsync();
                }
            }

            [WebSocket("/endpoint")]
            public sealed class Room : WebSocketEndpoint
            {
                public override ValueTask OnConnectAsync(WebSocket ws) => default;
            }
            """);
    }
}
