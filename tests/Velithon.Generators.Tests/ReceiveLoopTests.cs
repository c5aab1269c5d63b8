using Velithon.CodeFixes;
using Velithon.Generators.Analyzers;

namespace Velithon.Generators.Tests;

/// <summary>VLT0035: endless receive loops that end only by WebSocketDisconnectException, and the await foreach fix.</summary>
public sealed class ReceiveLoopTests
{
    [Fact]
    public async Task EndlessReceiveLoop_ReportsVLT0035AtTheHeader()
    {
        var diagnostics = await ProtocolMarkup.VerifyAsync(new ReceiveLoopAnalyzer(), """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    {|VLT0035:while (true)|}
                    {
                        var message = await ws.ReceiveTextAsync();
                        await ws.SendTextAsync(message);
                    }
                }

                [WebSocket("/b")]
                public static async Task Echo(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    {|VLT0035:for (;;)|}
                    {
                        await ws.SendBytesAsync(await ws.ReceiveBytesAsync().ConfigureAwait(false));
                    }
                }
            }
            """);
        Assert.Equal(
            "This loop ends only when 'ws.ReceiveTextAsync' throws WebSocketDisconnectException at the client's close, so no code after it runs; write 'await foreach (var message in ws.ReceiveTextMessagesAsync())', which ends when the client closes, or catch WebSocketDisconnectException around the loop",
            ProtocolMarkup.Message(diagnostics[0]));
        Assert.Equal(
            "This loop ends only when 'ws.ReceiveBytesAsync' throws WebSocketDisconnectException at the client's close, so no code after it runs; catch WebSocketDisconnectException around the loop, or put what must run at the end in a finally",
            ProtocolMarkup.Message(diagnostics[1]));
    }

    [Fact]
    public async Task HandledOrBoundedLoops_ReportNothing()
    {
        await ProtocolMarkup.VerifyAsync(new ReceiveLoopAnalyzer(), """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    try
                    {
                        while (true)
                        {
                            await ws.SendTextAsync(await ws.ReceiveTextAsync());
                        }
                    }
                    catch (WebSocketDisconnectException)
                    {
                    }

                    await foreach (var message in ws.ReceiveTextMessagesAsync())
                    {
                        await ws.SendTextAsync(message);
                    }
                }

                [WebSocket("/b")]
                public static async Task Cleanup(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    try
                    {
                        while (true)
                        {
                            await ws.ReceiveAsync();
                        }
                    }
                    finally
                    {
                        Console.WriteLine("left");
                    }
                }

                [WebSocket("/c")]
                public static async Task Bounded(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    while (ws.ClientState == WebSocketState.Connected)
                    {
                        await ws.ReceiveTextAsync();
                    }

                    while (true)
                    {
                        try
                        {
                            await ws.ReceiveTextAsync();
                        }
                        catch (Exception)
                        {
                            return;
                        }
                    }
                }

                // Not a handler: its caller may catch the disconnect.
                public static async Task Pump(WebSocket ws)
                {
                    while (true)
                    {
                        await ws.ReceiveTextAsync();
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task UseReceiveTextMessages_RewritesTheSimpleShape()
    {
        const string Before = """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws, CancellationToken aborted)
                {
                    await ws.AcceptAsync();
                    while (true)
                    {
                        string message = await ws.ReceiveTextAsync(aborted);
                        if (message.Length == 0)
                        {
                            continue;
                        }

                        await ws.SendTextAsync(message);
                    }
                }
            }
            """;
        const string After = """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws, CancellationToken aborted)
                {
                    await ws.AcceptAsync();
                    await foreach (string message in ws.ReceiveTextMessagesAsync(aborted))
                    {
                        if (message.Length == 0)
                        {
                            continue;
                        }

                        await ws.SendTextAsync(message);
                    }
                }
            }
            """;
        string fixedSource = await ProtocolCodeFixTests.ApplyAsync(Before, new ReceiveLoopAnalyzer(), new ReceiveLoopCodeFixProvider(), "VLT0035");
        Assert.Equal(SnapshotTests.Usings + After, fixedSource);
    }

    [Fact]
    public async Task UseReceiveTextMessages_NotOfferedWhenTheMessageIsAssigned()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    for (;;)
                    {
                        var message = await ws.ReceiveTextAsync();
                        message = message.Trim();
                        await ws.SendTextAsync(message);
                    }
                }
            }
            """;
        Assert.Empty(await ProtocolCodeFixTests.OffersAsync(Source, new ReceiveLoopAnalyzer(), new ReceiveLoopCodeFixProvider(), "VLT0035"));
    }
}
