using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Velithon.Testing;

namespace Velithon.Runtime.Tests.Conformance;

/// <summary>
/// A WebSocket client over a bare TCP socket, or over the client's end of Velithon.Testing's in-memory transport, that
/// writes whatever frames a test asks for, valid or not, which ClientWebSocket refuses to do. Every read is bounded by
/// a timeout. When the server agrees to permessage-deflate, data messages are compressed as <see cref="CompressMessages"/>
/// says and the server's compressed messages are inflated, with <see cref="RawPerMessageDeflate"/>.
/// </summary>
public sealed class RawWebSocket : IAsyncDisposable
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly IDisposable? _owner;
    private readonly Stream _stream;
    private readonly Random _random;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private RawPerMessageDeflate? _deflate;
    private bool _sendingCompressed;
    private bool _receivingCompressed;

    private RawWebSocket(Stream stream, IDisposable? owner, Random random)
    {
        _stream = stream;
        _owner = owner;
        _random = random;
    }

    /// <summary>The response headers of the handshake.</summary>
    public string HandshakeResponse { get; private set; } = "";

    /// <summary>Whether the handshake agreed on permessage-deflate (RFC 7692), which gives RSV1 its meaning.</summary>
    public bool DeflateNegotiated { get; private set; }

    /// <summary>
    /// Whether data messages go out compressed when permessage-deflate was agreed on; false sends them uncompressed,
    /// which RFC 7692 section 6 allows. A frame's own <c>compress</c> argument wins over this.
    /// </summary>
    public bool CompressMessages { get; set; } = true;

    public static Task<RawWebSocket> ConnectAsync(Uri server, string pathAndQuery, int seed = 1, params string[] extraHeaders) =>
        ConnectAsync(new TcpClient { NoDelay = true }, server, pathAndQuery, seed, extraHeaders);

    /// <summary>Connects with a small socket receive buffer, so a client that stops reading stalls the server's sends quickly.</summary>
    public static Task<RawWebSocket> ConnectWithSmallReceiveBufferAsync(Uri server, string pathAndQuery) =>
        ConnectAsync(new TcpClient { NoDelay = true, ReceiveBufferSize = 4096 }, server, pathAndQuery, seed: 1, []);

    /// <summary>
    /// Runs the handshake through an in-memory server's whole pipeline (Velithon.Testing) and writes frames on the
    /// client's end of its duplex stream; the end of that stream stands for the TCP close.
    /// </summary>
    public static async Task<RawWebSocket> ConnectInMemoryAsync(VelithonTestClient client, string pathAndQuery, params (string Name, string Value)[] extraHeaders)
    {
        string key = NewKey();
        var options = new TestConnectOptions();
        options.Headers["Sec-WebSocket-Key"] = key;
        foreach (var (name, value) in extraHeaders)
        {
            options.Headers[name] = value;
        }

        var (stream, headers) = await client.HandshakeAsync(pathAndQuery, options, CancellationToken.None);
        var response = new StringBuilder("HTTP/1.1 101 Switching Protocols");
        foreach (var (name, value) in headers)
        {
            response.Append("\r\n").Append(name).Append(": ").Append(value.ToString());
        }

        var socket = new RawWebSocket(stream, owner: null, new Random(1));
        socket.Accept(response.ToString(), key);
        return socket;
    }

    private static async Task<RawWebSocket> ConnectAsync(TcpClient tcp, Uri server, string pathAndQuery, int seed, string[] extraHeaders)
    {
        await tcp.ConnectAsync(server.Host, server.Port).WaitAsync(Timeout);
        var socket = new RawWebSocket(tcp.GetStream(), tcp, new Random(seed));
        string key = NewKey();
        var request = new StringBuilder()
            .Append($"GET {pathAndQuery} HTTP/1.1\r\n")
            .Append($"Host: {server.Host}:{server.Port}\r\n")
            .Append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append($"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n");
        foreach (var header in extraHeaders)
        {
            request.Append(header).Append("\r\n");
        }

        await socket.SendRawAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));
        socket.Accept(await socket.ReadHeadersAsync(), key);
        return socket;
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>Checks the 101 (RFC 6455 section 4.2.2) and takes up the permessage-deflate it agreed on, if any.</summary>
    private void Accept(string response, string key)
    {
        HandshakeResponse = response;
        if (!response.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The handshake was refused: " + response);
        }

        string expectedAccept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        if (!response.Contains("Sec-WebSocket-Accept: " + expectedAccept, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("Wrong Sec-WebSocket-Accept: " + response);
        }

        string? extensions = response.Split("\r\n")
            .Where(line => line.StartsWith("Sec-WebSocket-Extensions:", StringComparison.OrdinalIgnoreCase))
            .Select(line => line["Sec-WebSocket-Extensions:".Length..].Trim())
            .SingleOrDefault();
        if (extensions is null)
        {
            return;
        }

        var parameters = extensions.Split(';', StringSplitOptions.TrimEntries);
        if (parameters[0] != "permessage-deflate" || parameters.Any(p => p.StartsWith("client_max_window_bits", StringComparison.Ordinal)))
        {
            // This client offers no client_max_window_bits, so the server may not send one (RFC 7692 section 7.1.2.2).
            throw new InvalidOperationException("An extension this client did not offer: " + extensions);
        }

        DeflateNegotiated = true;
        _deflate = new RawPerMessageDeflate(
            compressorResetsPerMessage: parameters.Contains("client_no_context_takeover"),
            inflaterResetsPerMessage: parameters.Contains("server_no_context_takeover"));
    }

    public Task SendRawAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask().WaitAsync(Timeout);

    /// <summary>
    /// Writes one frame; client frames are masked unless <paramref name="mask"/> is false. A data frame is compressed
    /// when its message is: <paramref name="compress"/> decides on a message's first frame (by default
    /// <see cref="CompressMessages"/> where permessage-deflate was agreed on), and that first frame gets RSV1.
    /// </summary>
    public Task SendFrameAsync(int opcode, ReadOnlySpan<byte> payload, bool fin = true, int rsv = 0, bool mask = true, bool? compress = null) =>
        SendRawAsync(EncodeFrame(opcode, payload, fin, rsv, mask, compress));

    public Task SendTextAsync(string text, bool fin = true) => SendFrameAsync(Frame.Text, Encoding.UTF8.GetBytes(text), fin);

    public Task SendCloseAsync(int? code, string reason = "")
    {
        if (code is null)
        {
            return SendFrameAsync(Frame.Close, []);
        }

        var payload = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code.Value);
        Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return SendFrameAsync(Frame.Close, payload);
    }

    /// <summary>
    /// The bytes of one frame, as <see cref="SendFrameAsync"/> writes them; frames of a compressed message must be
    /// encoded in the order they are sent, since they share the compressor.
    /// </summary>
    public byte[] EncodeFrame(int opcode, ReadOnlySpan<byte> payload, bool fin = true, int rsv = 0, bool mask = true, bool? compress = null)
    {
        if (opcode is Frame.Text or Frame.Binary)
        {
            _sendingCompressed = compress ?? (DeflateNegotiated && CompressMessages);
            if (_sendingCompressed)
            {
                rsv |= Frame.Rsv1;
            }
        }

        if (opcode is Frame.Text or Frame.Binary or Frame.Continuation && _sendingCompressed)
        {
            // Without an agreement (a test of RSV1 where it means nothing) the compressor keeps no context.
            _deflate ??= new RawPerMessageDeflate(compressorResetsPerMessage: true, inflaterResetsPerMessage: true);
            payload = _deflate.Compress(payload, endOfMessage: fin);
            _sendingCompressed = !fin;
        }

        using var frame = new MemoryStream();
        frame.WriteByte((byte)((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0x0F)));
        int maskBit = mask ? 0x80 : 0;
        if (payload.Length < 126)
        {
            frame.WriteByte((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.WriteByte((byte)(maskBit | 126));
            Span<byte> length = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)payload.Length);
            frame.Write(length);
        }
        else
        {
            frame.WriteByte((byte)(maskBit | 127));
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            frame.Write(length);
        }

        if (!mask)
        {
            frame.Write(payload);
            return frame.ToArray();
        }

        var key = new byte[4];
        _random.NextBytes(key);
        frame.Write(key);
        var masked = payload.ToArray();
        for (int i = 0; i < masked.Length; i++)
        {
            masked[i] ^= key[i % 4];
        }

        frame.Write(masked);
        return frame.ToArray();
    }

    /// <summary>Reads the next frame; null when the server closed the TCP connection.</summary>
    public async Task<Frame?> ReadFrameAsync()
    {
        if (!await FillAsync(2))
        {
            return null;
        }

        byte first = _buffer[_start];
        byte second = _buffer[_start + 1];
        if ((second & 0x80) != 0)
        {
            throw new InvalidOperationException("RFC 6455 section 5.1: a server must not mask its frames.");
        }

        int headerLength = 2;
        long length = second & 0x7F;
        if (length == 126)
        {
            headerLength = 4;
            if (!await FillAsync(headerLength))
            {
                return null;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 2));
        }
        else if (length == 127)
        {
            headerLength = 10;
            if (!await FillAsync(headerLength))
            {
                return null;
            }

            length = (long)BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(_start + 2));
        }

        if (!await FillAsync(headerLength + (int)length))
        {
            return null;
        }

        var payload = _buffer.AsSpan(_start + headerLength, (int)length).ToArray();
        _start += headerLength + (int)length;
        bool fin = (first & 0x80) != 0;
        int rsv = (first >> 4) & 0x7;
        int opcode = first & 0x0F;
        if (DeflateNegotiated && opcode is Frame.Text or Frame.Binary)
        {
            _receivingCompressed = (rsv & Frame.Rsv1) != 0;
        }

        if (!_receivingCompressed || opcode is not (Frame.Text or Frame.Binary or Frame.Continuation))
        {
            return new Frame(fin, rsv, opcode, payload);
        }

        _receivingCompressed = !fin;
        return new Frame(fin, rsv & ~Frame.Rsv1, opcode, _deflate!.Inflate(payload, endOfMessage: fin), Inflated: true);
    }

    /// <summary>Reads frames until the server's close frame (returning the frames before it), answers it, and waits for the TCP close.</summary>
    public async Task<(Frame Close, List<Frame> Before)> ExpectCloseAsync()
    {
        var before = new List<Frame>();
        while (await ReadFrameAsync() is { } frame)
        {
            if (frame.Opcode == Frame.Close)
            {
                try
                {
                    // Echo the close as RFC 6455 section 5.5.1 asks; the server may already be gone.
                    await SendFrameAsync(Frame.Close, frame.Payload.Length >= 2 ? frame.Payload.AsSpan(0, 2) : []);
                }
                catch (IOException)
                {
                }

                return (frame, before);
            }

            before.Add(frame);
        }

        throw new InvalidOperationException("The server dropped the connection without a close frame.");
    }

    /// <summary>True when the server ends the connection (after its close frame) within the timeout: the TCP close, or the end of the in-memory stream.</summary>
    public async Task<bool> WaitForTcpCloseAsync()
    {
        try
        {
            while (await ReadFrameAsync() is not null)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _owner?.Dispose();
        _deflate?.Dispose();
    }

    private async Task<string> ReadHeadersAsync()
    {
        while (true)
        {
            int end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                string headers = Encoding.ASCII.GetString(_buffer, _start, end);
                _start += end + 4;
                return headers;
            }

            if (!await FillAsync(_end - _start + 1))
            {
                throw new InvalidOperationException("The server closed the connection during the handshake.");
            }
        }
    }

    private async Task<bool> FillAsync(int count)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_buffer.Length < count)
        {
            Array.Resize(ref _buffer, Math.Max(count, _buffer.Length * 2));
        }

        using var timeout = new CancellationTokenSource(Timeout);
        while (_end < count)
        {
            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token);
            }
            catch (IOException)
            {
                return false;
            }

            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }
}
