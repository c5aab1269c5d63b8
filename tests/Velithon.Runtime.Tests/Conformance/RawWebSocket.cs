using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Velithon.Runtime.Tests.Conformance;

/// <summary>A frame as it came off the wire (RFC 6455 section 5.2).</summary>
public sealed record Frame(bool Fin, int Rsv, int Opcode, byte[] Payload)
{
    public const int Continuation = 0x0;
    public const int Text = 0x1;
    public const int Binary = 0x2;
    public const int Close = 0x8;
    public const int Ping = 0x9;
    public const int Pong = 0xA;

    /// <summary>The close code of a close frame, or null when it carries none.</summary>
    public int? CloseCode => Opcode == Close && Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : null;

    public string CloseReason => Opcode == Close && Payload.Length > 2 ? Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2) : "";
}

/// <summary>
/// A WebSocket client over a bare TCP socket that writes whatever frames a test asks for, valid or not,
/// which ClientWebSocket refuses to do. Every read is bounded by a timeout.
/// </summary>
public sealed class RawWebSocket : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly Random _random;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawWebSocket(TcpClient tcp, Random random)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _random = random;
    }

    /// <summary>The response headers of the handshake.</summary>
    public string HandshakeResponse { get; private set; } = "";

    public static Task<RawWebSocket> ConnectAsync(Uri server, string pathAndQuery, int seed = 1, params string[] extraHeaders) =>
        ConnectAsync(new TcpClient { NoDelay = true }, server, pathAndQuery, seed, extraHeaders);

    /// <summary>Connects with a small socket receive buffer, so a client that stops reading stalls the server's sends quickly.</summary>
    public static Task<RawWebSocket> ConnectWithSmallReceiveBufferAsync(Uri server, string pathAndQuery) =>
        ConnectAsync(new TcpClient { NoDelay = true, ReceiveBufferSize = 4096 }, server, pathAndQuery, seed: 1, []);

    private static async Task<RawWebSocket> ConnectAsync(TcpClient tcp, Uri server, string pathAndQuery, int seed, string[] extraHeaders)
    {
        await tcp.ConnectAsync(server.Host, server.Port).WaitAsync(Timeout);
        var socket = new RawWebSocket(tcp, new Random(seed));
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
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
        socket.HandshakeResponse = await socket.ReadHeadersAsync();
        if (!socket.HandshakeResponse.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The handshake was refused: " + socket.HandshakeResponse);
        }

        string expectedAccept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        if (!socket.HandshakeResponse.Contains("Sec-WebSocket-Accept: " + expectedAccept, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("Wrong Sec-WebSocket-Accept: " + socket.HandshakeResponse);
        }

        return socket;
    }

    public Task SendRawAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask().WaitAsync(Timeout);

    /// <summary>Writes one frame; client frames are masked unless <paramref name="mask"/> is false.</summary>
    public Task SendFrameAsync(int opcode, ReadOnlySpan<byte> payload, bool fin = true, int rsv = 0, bool mask = true) =>
        SendRawAsync(EncodeFrame(opcode, payload, fin, rsv, mask));

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

    public byte[] EncodeFrame(int opcode, ReadOnlySpan<byte> payload, bool fin = true, int rsv = 0, bool mask = true)
    {
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
        return new Frame((first & 0x80) != 0, (first >> 4) & 0x7, first & 0x0F, payload);
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

    /// <summary>True when the server closes the TCP connection (after its close frame) within the timeout.</summary>
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
        _tcp.Dispose();
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
