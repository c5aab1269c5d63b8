using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Velithon.Connections;
using Velithon.Protocol;
using TransportWebSocket = System.Net.WebSockets.WebSocket;

namespace Velithon.Runtime.Tests;

/// <summary>
/// Velithon's framing on a transport's pipes, as on a Kestrel HTTP/1.1 upgrade, against the framework's client
/// WebSocket over loopback TCP. The server's input pipe hands out a few bytes per segment, so headers, payloads and
/// masks arrive split across segments and reads, and messages longer than the read buffer take the pooled path.
/// </summary>
public sealed class PipeTransportTests : IAsyncLifetime
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
        var stream = _serverTcp.GetStream();
        var pipe = new DuplexPipe(
            PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 7, minimumReadSize: 7, leaveOpen: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
        _server = new FrameWebSocket(stream, isServer: true, subProtocol: null, deflate: null, abortTransport: null, new ConnectionClock(TimeProvider.System), pipe);
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

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(200)] // a 2-byte header and the payload fill most of the 256-byte read buffer
    [InlineData(300)] // longer than the read buffer: read into a pooled array
    [InlineData(70_000)] // a 10-byte header (RFC 6455 section 5.2)
    public async Task Echo_MessagesOfEverySize_ArriveWhole(int size)
    {
        byte[] payload = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
        for (int round = 0; round < 3; round++)
        {
            await _client.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).WaitAsync(Timeout);
            var message = await _server.ReceiveMessageAsync(100_000, callerDecodesText: false, CancellationToken.None).AsTask().WaitAsync(Timeout);
            Assert.Equal(FrameMessageKind.Data, message.Kind);
            Assert.Equal(payload, message.Payload.ToArray());
            await _server.SendAsync(message.Payload, WebSocketMessageType.Binary, CancellationToken.None).AsTask().WaitAsync(Timeout);
            Assert.Equal(payload, await ReceiveAsync(WebSocketMessageType.Binary));
        }
    }

    [Fact]
    public async Task Fragments_Reassemble_AndTextIsEncodedStraightIntoThePipe()
    {
        byte[] first = Encoding.UTF8.GetBytes("héllo, ");
        byte[] second = Encoding.UTF8.GetBytes("wörld");
        await _client.SendAsync(first, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None).WaitAsync(Timeout);
        await _client.SendAsync(second, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).WaitAsync(Timeout);
        var message = await _server.ReceiveMessageAsync(1024, callerDecodesText: false, CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(System.Net.WebSockets.WebSocketMessageType.Text, message.Type);
        Assert.Equal("héllo, wörld", Encoding.UTF8.GetString(message.Payload.Span));

        await _server.SendTextAsync("über", CancellationToken.None, out int byteCount).AsTask().WaitAsync(Timeout);
        Assert.Equal(5, byteCount);
        Assert.Equal("über", Encoding.UTF8.GetString(await ReceiveAsync(WebSocketMessageType.Text)));
    }

    [Fact]
    public async Task CloseHandshake_EndsOnBothSides()
    {
        var waiting = _server.ReceiveMessageAsync(1024, callerDecodesText: false, CancellationToken.None).AsTask();
        await _client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(Timeout);
        var message = await waiting.WaitAsync(Timeout);
        Assert.Equal(FrameMessageKind.Close, message.Kind);
        Assert.Equal(1000, _server.CloseStatus);
        Assert.Equal("bye", _server.CloseStatusDescription);
        await _server.CloseOutputAsync(1000, "ok", CancellationToken.None).AsTask().WaitAsync(Timeout);
        var result = await _client.ReceiveAsync(new byte[16].AsMemory(), CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal("ok", _client.CloseStatusDescription);
    }

    private async Task<byte[]> ReceiveAsync(WebSocketMessageType expected)
    {
        var buffer = new byte[128 * 1024];
        int length = 0;
        while (true)
        {
            var result = await _client.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).AsTask().WaitAsync(Timeout);
            Assert.Equal(expected, result.MessageType);
            length += result.Count;
            if (result.EndOfMessage)
            {
                return buffer.AsSpan(0, length).ToArray();
            }
        }
    }
}
