using Velithon.Generators.Analyzers;

namespace Velithon.Generators.Tests;

/// <summary>VLT0036: blocking on a task in code the runtime runs per connection.</summary>
public sealed class BlockingWaitTests
{
    [Fact]
    public async Task BlockingInHandlersAndEndpoints_ReportsVLT0036AtEachWait()
    {
        var diagnostics = await ProtocolMarkup.VerifyAsync(new BlockingWaitAnalyzer(), """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    var text = {|VLT0036:ws.ReceiveTextAsync().Result|};
                    {|VLT0036:ws.SendTextAsync(text).AsTask().Wait()|};
                    {|VLT0036:ws.CloseAsync().GetAwaiter().GetResult()|};
                    {|VLT0036:Task.WaitAll(Task.Delay(1))|};
                }
            }

            [WebSocket("/b")]
            public sealed class Room : WebSocketEndpoint
            {
                public override ValueTask OnReceiveAsync(WebSocket ws, string data)
                {
                    {|VLT0036:Task.Delay(1).ConfigureAwait(false).GetAwaiter().GetResult()|};
                    return default;
                }
            }
            """);
        Assert.Equal(
            "'ValueTask.Result' blocks a thread-pool thread for as long as the task runs, for every connection at once; await the task instead",
            ProtocolMarkup.Message(diagnostics[0]));
    }

    [Fact]
    public async Task AwaitingOrBlockingOutsideHandlers_ReportsNothing()
    {
        await ProtocolMarkup.VerifyAsync(new BlockingWaitAnalyzer(), """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    var text = await ws.ReceiveTextAsync();
                    await ws.SendTextAsync(text);
                    var result = new Lazy<int>(() => 1).Value;
                }

                // Not a handler: start-up code may block.
                public static string Load() => Task.FromResult("config").Result;
            }
            """);
    }
}
