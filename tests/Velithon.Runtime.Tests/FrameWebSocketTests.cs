using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Velithon.Connections;
using Velithon.Protocol;
using TransportWebSocket = System.Net.WebSockets.WebSocket;

namespace Velithon.Runtime.Tests;

/// <summary>
/// Velithon's own framing, driven directly through the <see cref="TransportWebSocket"/> contract rather than
/// through a handler, against the framework's client WebSocket over a loopback TCP connection: the parts of the
/// contract the runtime itself does not use (receiving into a caller's buffer, fragmented sends) and the close
/// handshake started by the server.
/// </summary>
public sealed class FrameWebSocketTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private TcpListener? _listener;
    private TcpClient? _clientTcp;
    private TcpClient? _serverTcp;
    private FrameWebSocket _server = null!;
    private TransportWebSocket _client = null!;

    public async Task InitializeAsync()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _clientTcp = new TcpClient { NoDelay = true };
        var accepting = _listener.AcceptTcpClientAsync();
        await _clientTcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)_listener.LocalEndpoint).Port);
        _serverTcp = await accepting;
        _server = new FrameWebSocket(_serverTcp.GetStream(), isServer: true, subProtocol: "chat", deflate: null, abortTransport: null, new ConnectionClock(TimeProvider.System));
        _client = TransportWebSocket.CreateFromStream(_clientTcp.GetStream(), new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        _clientTcp?.Dispose();
        _serverTcp?.Dispose();
        _listener?.Stop();
    }

    [Fact]
    public async Task CloseWhileAReceiveWaits_TheReceiveSeesThePeersCloseAndTheHandshakeEnds()
    {
        var waiting = _server.ReceiveMessageAsync(1024, callerDecodesText: false, CancellationToken.None).AsTask();
        var closing = _server.CloseAsync(1000, "bye", CancellationToken.None).AsTask();

        // The client reads the server's close frame and answers it.
        var result = await _client.ReceiveAsync(new byte[16].AsMemory(), CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, _client.CloseStatus);
        Assert.Equal("bye", _client.CloseStatusDescription);
        await _client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "ok", CancellationToken.None).WaitAsync(Timeout);

        var message = await waiting.WaitAsync(Timeout);
        Assert.Equal(FrameMessageKind.Close, message.Kind);
        await closing.WaitAsync(Timeout);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Closed, _server.State);
        Assert.Equal((1000, "ok"), (_server.CloseStatus, _server.CloseStatusDescription));
    }

    [Fact]
    public async Task CloseWithNoReceiveWaiting_ReadsUntilThePeersClose_DiscardingMessages()
    {
        var closing = _server.CloseAsync(1008, null, CancellationToken.None).AsTask();

        // The client still sends a message before it answers the close: the server discards it.
        await _client.SendAsync("late"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var result = await _client.ReceiveAsync(new byte[16].AsMemory(), CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal((WebSocketMessageType.Close, WebSocketCloseStatus.PolicyViolation), (result.MessageType, _client.CloseStatus));
        await _client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(Timeout);

        await closing.WaitAsync(Timeout);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Closed, _server.State);
        Assert.Equal(1000, _server.CloseStatus);
    }

    [Fact]
    public async Task ReceiveStartedWhileACloseReadsForThePeersClose_WaitsForIt_AndReportsTheClose()
    {
        // The server closes with no receive waiting, so the close itself reads the stream for the peer's answer;
        // a receive the handler starts just then must wait for that, not fail as a second receive.
        var closing = _server.CloseAsync(1001, "shutting down", CancellationToken.None).AsTask();
        Assert.True(SpinWait.SpinUntil(() => _server.IsReading, Timeout));
        var receiving = _server.ReceiveMessageAsync(1024, callerDecodesText: false, CancellationToken.None).AsTask();
        Assert.False(receiving.IsCompleted);

        var result = await _client.ReceiveAsync(new byte[32].AsMemory(), CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        await _client.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, null, CancellationToken.None).WaitAsync(Timeout);

        await closing.WaitAsync(Timeout);
        Assert.Equal(FrameMessageKind.Close, (await receiving.WaitAsync(Timeout)).Kind);
        Assert.Equal(1001, _server.CloseStatus);
    }

    [Fact]
    public async Task PeersClose_IsReportedOnce_ThenEveryReceiveReportsIt()
    {
        await _client.CloseOutputAsync((WebSocketCloseStatus)4000, "done", CancellationToken.None);
        var first = await _server.ReceiveMessageAsync(1024, callerDecodesText: false, CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(FrameMessageKind.Close, first.Kind);
        Assert.Equal(System.Net.WebSockets.WebSocketState.CloseReceived, _server.State);
        var again = await _server.ReceiveMessageAsync(1024, callerDecodesText: false, CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(FrameMessageKind.Close, again.Kind);
        Assert.Equal((4000, "done"), (_server.CloseStatus, _server.CloseStatusDescription));

        await _server.CloseOutputAsync(1000, null, CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Closed, _server.State);
        await Assert.ThrowsAsync<WebSocketException>(async () =>
            await _server.SendAsync("x"u8.ToArray().AsMemory(), WebSocketMessageType.Text, CancellationToken.None));
    }

    [Fact]
    public async Task Abort_FailsTheWaitingReceive()
    {
        var waiting = _server.ReceiveMessageAsync(1024, callerDecodesText: false, CancellationToken.None).AsTask();
        _server.Abort();
        Assert.Equal(System.Net.WebSockets.WebSocketState.Aborted, _server.State);
        var failure = await Record.ExceptionAsync(() => waiting.WaitAsync(Timeout));
        Assert.True(failure is IOException or ObjectDisposedException or WebSocketException or OperationCanceledException, failure?.ToString());
    }

    [Fact]
    public void AcceptKey_IsTheOneRfc6455Shows()
    {
        // RFC 6455 section 1.3's worked example.
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.ComputeAcceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }
}
