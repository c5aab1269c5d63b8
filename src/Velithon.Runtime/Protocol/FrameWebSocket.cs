using System;
using System.IO;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Connections;
using Velithon.Protocol.Compression;
using TransportState = System.Net.WebSockets.WebSocketState;

namespace Velithon.Protocol;

/// <summary>
/// Velithon's one implementation of RFC 6455 (and of permessage-deflate, RFC 7692): the framing of every
/// connection, over whatever duplex stream carries it (an HTTP/1.1 upgrade, an HTTP/2 extended CONNECT stream, the
/// in-memory transport of <c>Velithon.Testing</c>), on the server side and, for the test client, the client side.
/// </summary>
/// <remarks>
/// <para>
/// Receiving is by whole message (<see cref="ReceiveMessageAsync"/>): a connection keeps one small read buffer, so
/// a waiting read holds only that, and a message that fits in it is read, unmasked and handed over where it lies,
/// with no second read and no copy. A longer message goes straight from the stream into a pooled array.
/// </para>
/// <para>
/// Sending is by whole message too, through one write gate per connection: data frames, the pong a ping asks for,
/// keep-alive pings and the close frame each go out as one write, never inside another frame. The socket keeps
/// the record of what it sent (the close code) and of its deadlines (when a write started waiting for the peer,
/// when a keep-alive ping was due), which the <see cref="ConnectionMonitor"/> reads.
/// </para>
/// </remarks>
internal sealed partial class FrameWebSocket : IAsyncDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;

    // The connection's own pipes below the stream, when the server has them (an HTTP/1.1 upgrade on Kestrel): frames
    // are read from and written to these, skipping the request and response stream layers; else null.
    private readonly PipeReader? _input;
    private readonly PipeWriter? _output;
    private readonly bool _isServer;
    private readonly Action? _abortTransport;
    private readonly ConnectionClock _clock;

    private int _state = (int)TransportState.Open;

    // Set when the socket is aborted or disposed: a writer that takes the write gate from then on writes nothing.
    private volatile bool _writesEnded;

    // Under the write gate: the stream and the compression state were let go (DisposeAsync, once).
    private bool _disposed;
    private int? _closeStatus;
    private string? _closeStatusDescription;

    /// <summary>Creates the socket over <paramref name="stream"/>, whose handshake is complete.</summary>
    /// <param name="stream">The connection's duplex stream, after the opening handshake.</param>
    /// <param name="isServer">The server's side (its frames unmasked, the peer's masked) or the client's.</param>
    /// <param name="subProtocol">The subprotocol the handshake agreed on, or null.</param>
    /// <param name="deflate">The permessage-deflate parameters the handshake agreed on, or null for none.</param>
    /// <param name="abortTransport">
    /// Ends the transport at once; disposing the stream alone does not wake a write blocked on a peer that stopped
    /// reading (Kestrel), so the server passes <c>HttpContext.Abort</c>.
    /// </param>
    /// <param name="clock">The clock of the socket's deadlines.</param>
    /// <param name="transport">
    /// The pipes <paramref name="stream"/> passes the bytes through, when the server has them, to read and write on
    /// directly; the stream is then only disposed.
    /// </param>
    public FrameWebSocket(Stream stream, bool isServer, string? subProtocol, PerMessageDeflateParameters? deflate, Action? abortTransport, ConnectionClock clock, IDuplexPipe? transport = null)
    {
        _stream = stream;
        _input = transport?.Input;
        _output = transport?.Output;
        _isServer = isServer;
        SubProtocol = subProtocol;
        _abortTransport = abortTransport;
        _clock = clock;
        if (deflate is { } parameters)
        {
            // Each side compresses with its own window and context rule (RFC 7692 section 7.1).
            Compression = new MessageCompression(parameters, isServer);
        }

        KeepAlive.LastHeard = clock.NowMilliseconds;
    }

    /// <summary>The subprotocol the handshake agreed on, or null.</summary>
    public string? SubProtocol { get; }

    /// <summary>Where the connection is in RFC 6455's life cycle (section 4 to 7).</summary>
    public TransportState State => (TransportState)Volatile.Read(ref _state);

    /// <summary>The code of the peer's close frame (1005 when it had none), once it arrived; else null.</summary>
    public int? CloseStatus => _closeStatus;

    /// <summary>The reason of the peer's close frame, once it arrived; else null.</summary>
    public string? CloseStatusDescription => _closeStatusDescription;

    /// <summary>The permessage-deflate state, or null when the extension was not negotiated.</summary>
    internal MessageCompression? Compression { get; }

    /// <summary>
    /// Ends the connection at once, without a close handshake: the transport is aborted, pending reads and writes
    /// fail, and nothing more is sent. The socket is still to be disposed (<see cref="DisposeAsync"/>), which waits
    /// for a write that is still going on.
    /// </summary>
    public void Abort()
    {
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state is (int)TransportState.Closed or (int)TransportState.Aborted)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _state, (int)TransportState.Aborted, state) == state)
            {
                break;
            }
        }

        CutTransport();
    }

    /// <summary>
    /// The one way to end the socket: aborts it unless a close frame went out (the connection failed, and the peer
    /// must learn of it), waits until no frame is being written, then lets go of the stream and of the
    /// permessage-deflate state. Every caller waits the same way, and a writer that takes the write gate afterwards
    /// writes nothing.
    /// </summary>
    /// <remarks>
    /// Whatever carries the frames may outlive this socket only until its request ends: on a Kestrel HTTP/1.1
    /// upgrade the frames are written straight into the connection's pipe (<c>_output</c>), whose memory Kestrel
    /// returns to its pool once the request ends; an HTTP/2 stream or an in-memory transport ends with its request
    /// the same way, and the deflater's native state must not be freed under a send that compresses. Whoever ends
    /// the request awaits this first. An abort sends no close frame, so nothing else would wait for a send that is
    /// still copying a frame.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask DisposeAsync()
    {
        bool closeSent = SentCloseCode != 0;
        if (closeSent)
        {
            // After our close frame no data frame follows (RFC 6455 section 5.5.1), and from now on no pong either.
            _writesEnded = true;
        }
        else
        {
            Abort();
        }

        var enter = _writeGate.EnterAsync(CancellationToken.None);
        if (!enter.IsCompleted && closeSent)
        {
            // A frame is still on its way after our close frame: the close frame itself (its deadline passed) or a
            // pong, waiting for a peer that stopped reading; nothing would complete it. The transport is cut, which
            // fails that write (an abort, above, does the same when no close frame went out).
            CutTransport();
        }

        await enter.ConfigureAwait(false);
        try
        {
            if (!_disposed)
            {
                _disposed = true;
                if (closeSent)
                {
                    // The close frame went out: the transport ends gracefully, so the peer reads it.
                    int state = Volatile.Read(ref _state);
                    if (state is not ((int)TransportState.Closed or (int)TransportState.Aborted))
                    {
                        Interlocked.CompareExchange(ref _state, (int)TransportState.Closed, state);
                    }

                    DisposeStream();
                }

                // With the write gate held: no send is compressing, and none will (they find _writesEnded set).
                Compression?.Dispose();
            }
        }
        finally
        {
            _writeGate.Exit();
        }
    }

    /// <summary>
    /// Ends the transport at once: writers from now on write nothing, the transport is aborted (which completes a
    /// write waiting for the peer) and the stream disposed, and a close waiting for the read side stops waiting.
    /// </summary>
    private void CutTransport()
    {
        _writesEnded = true;
        _abortTransport?.Invoke();
        DisposeStream();
        Interlocked.Exchange(ref _receiveReleased, null)?.TrySetResult();
    }

    private void DisposeStream()
    {
        try
        {
            _stream.Dispose();
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The transport is gone already.
        }
    }

    private bool TrySetState(TransportState from, TransportState to) =>
        Interlocked.CompareExchange(ref _state, (int)to, (int)from) == (int)from;

    private static WebSocketException ClosedPrematurely() =>
        new(WebSocketError.ConnectionClosedPrematurely, "The peer closed the connection without a close frame.");
}
