using Velithon.Testing;

namespace Velithon.Runtime.Tests;

/// <summary>Endings that meet the application's own faults (a throwing Aborted callback) and the test client speaking an agreed extension.</summary>
public sealed class EndingTests(InMemoryServerFixture fixture) : IClassFixture<InMemoryServerFixture>
{
    private VelithonTestClient Client => fixture.Client;

    // EndAsync promises "never throws and never faults"; MarkClosed cancels the Aborted source outside any try, so a
    // throwing callback makes CancellationTokenSource.Cancel throw AggregateException out of the ending. On the
    // asynchronous path (FinishEndingAsync) the throw skips ending.SetResult(): the handler's CloseAsync never returns.
    [Fact]
    public async Task AbortedCallbackThrows_HandlersOwnClose_StillCompletes()
    {
        string id = Guid.NewGuid().ToString("N");
        await using var ws = await Client.ConnectAsync($"/ending/aborted-callback-throws/close?id={id}");
        await ws.SendTextAsync("go");
        Assert.Equal((1000, "bye"), await ws.ReceiveCloseAsync());

        var outcome = await CoreReports.WaitAsync<CoreOutcome>(id);
        Assert.Equal(("none", (int?)1000, true), (outcome.Exception, outcome.Code, outcome.AbortedFired));
    }

    // The synchronous path: the peer's close is answered at once, MarkClosed throws out of RunEnding, and the
    // handler's receive fails with the callback's AggregateException instead of WebSocketDisconnectException(1000).
    [Fact]
    public async Task AbortedCallbackThrows_PeerCloses_ReceiveFailsWithTheDisconnect()
    {
        string id = Guid.NewGuid().ToString("N");
        await using var ws = await Client.ConnectAsync($"/ending/aborted-callback-throws/receive?id={id}");
        await ws.SendTextAsync("go");
        await ws.CloseAsync(WebSocketCloseCode.NormalClosure, "client done");

        var outcome = await CoreReports.WaitAsync<CoreOutcome>(id);
        Assert.Equal(("WebSocketDisconnectException", (int?)1000), (outcome.Exception, outcome.Code));
    }

    // The test client builds its framing with deflate: null whatever the 101 answered; a user who offers
    // permessage-deflate through options.Headers gets a server that compresses and a client that calls the first
    // compressed frame a protocol violation (RSV1 without an extension). It should speak the agreed extension, or
    // refuse the handshake saying why.
    [Fact]
    public async Task TestClientOffersDeflateThroughHeaders_EchoStillWorks()
    {
        await using var ws = await Client.ConnectAsync("/compressed/echo-text", options => options.Headers["Sec-WebSocket-Extensions"] = "permessage-deflate");
        Assert.Contains("permessage-deflate", ws.ResponseHeaders["Sec-WebSocket-Extensions"].ToString());
        await ws.SendTextAsync("hello");
        Assert.Equal("hello", await ws.ReceiveTextAsync());
    }
}
