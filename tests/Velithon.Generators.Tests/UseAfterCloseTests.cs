using Velithon.Generators.Analyzers;

namespace Velithon.Generators.Tests;

/// <summary>VLT0034: a send or receive after an awaited CloseAsync on the same path.</summary>
public sealed class UseAfterCloseTests
{
    [Fact]
    public async Task SendAfterClose_ReportsVLT0034AtTheSend()
    {
        var diagnostics = await ProtocolMarkup.VerifyAsync(new UseAfterCloseAnalyzer(), """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    await ws.CloseAsync(1000, "done");
                    Console.WriteLine("closed");
                    await {|VLT0034:ws.SendTextAsync("too late")|};
                    await ws.SendTextAsync("reported once");
                }

                [WebSocket("/b")]
                public static async Task Nested(WebSocket ws, [FromQuery] bool again)
                {
                    await ws.AcceptAsync();
                    await ws.CloseAsync().ConfigureAwait(false);
                    if (again)
                    {
                        var text = await {|VLT0034:ws.ReceiveTextAsync()|};
                    }
                }
            }
            """);
        Assert.Equal(
            "'ws.SendTextAsync' runs after 'ws.CloseAsync' on every path from it, when the connection is already closed, so it throws; move it before the close, or return after closing",
            ProtocolMarkup.Message(diagnostics[0]));
    }

    [Fact]
    public async Task UseOnAnotherPathOrSocket_ReportsNothing()
    {
        await ProtocolMarkup.VerifyAsync(new UseAfterCloseAnalyzer(), """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws, [FromQuery] bool refuse)
                {
                    if (refuse)
                    {
                        await ws.CloseAsync(4003, "no");
                        return;
                    }
                    else
                    {
                        await ws.AcceptAsync();
                    }

                    while (true)
                    {
                        var text = await ws.ReceiveTextAsync();
                        if (text == "bye")
                        {
                            await ws.CloseAsync();
                            break;
                        }

                        await ws.SendTextAsync(text);
                    }
                }

                [WebSocket("/b")]
                public static async Task Relay(WebSocket ws, [FromServices] WebSocket other)
                {
                    await ws.AcceptAsync();
                    Func<Task> later = async () => await ws.SendTextAsync("maybe before the close");
                    await ws.CloseAsync();
                    await other.SendTextAsync("someone else");
                    _ = ws.CloseCode;
                    ws = other;
                    await ws.SendTextAsync("the other socket");
                }
            }
            """);
    }
}
