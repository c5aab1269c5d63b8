using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Velithon.Benchmarks;

/// <summary>
/// One open connection of the idle-connection client (<see cref="IdleClient"/>): its socket, whether the pong to its
/// final ping came back, and, once it ended, why and when (<see cref="End"/>). While idle it waits with a zero-byte
/// receive, so it holds no buffer, and reads what arrived into a stack buffer; it answers the server's pings.
/// </summary>
/// <param name="socket">A socket past the opening handshake (RFC 6455 section 4.1), owned from here on.</param>
/// <param name="index">The connection's number, sent as the 4-byte big-endian payload of its final ping.</param>
public sealed class IdleConnection(Socket socket, int index)
{
    /// <summary>The most bytes one read takes from the socket; what is left waits for the next.</summary>
    public const int ReadSize = 512;

    // The longest start of a frame kept between reads: a control frame's 10 header bytes (however its length is
    // written) and at most 125 payload bytes (section 5.5); a data frame's header is at most 14.
    private const int MaxCarry = 10 + 125;

    private readonly Lock _send = new();

    // The start of a frame that has not arrived whole: at most a data frame's 14-byte header or a control frame
    // (2 to 10 header bytes and at most 125 payload bytes, section 5.5). Null but for the moment a frame is split.
    private byte[]? _carry;

    // Payload bytes of a data frame still to come: an idle client has no use for them and discards them.
    private long _skip;

    private volatile bool _answered;
    private volatile bool _closedByClient;
    private ConnectionEnd? _end;

    public Socket Socket { get; } = socket;

    /// <summary>Whether the pong to <see cref="SendPing"/> came back with this connection's payload.</summary>
    public bool Answered => _answered;

    /// <summary>Why and when the connection ended, or null while it is open (or when the client closed it itself).</summary>
    public ConnectionEnd? End => Volatile.Read(ref _end);

    /// <summary>Sends the final ping, whose payload is the connection's index (section 5.5.2); nothing once it ended.</summary>
    public void SendPing()
    {
        if (End is not null)
        {
            return;
        }

        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, index);
        Send(RawWebSocket.OpPing, payload);
    }

    /// <summary>Closes the connection from the client's side (at the client's exit); no <see cref="End"/> is recorded.</summary>
    public void Close()
    {
        _closedByClient = true;
        Socket.Dispose();
    }

    /// <summary>
    /// Reads and answers the server until the connection ends, then records why in <see cref="End"/> and closes the
    /// socket. Completes then; never faults.
    /// </summary>
    public async Task ListenAsync()
    {
        ConnectionEnd? end;
        try
        {
            do
            {
                // Zero bytes: completes when data (or the end) is there, without a buffer held meanwhile.
                await Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
                end = Drain();
            }
            while (end is null);
        }
        catch (Exception) when (_closedByClient)
        {
            // The client closed the socket itself (at its exit, OperationAborted or ObjectDisposedException): not an
            // end the server caused.
            return;
        }
        catch (SocketException exception)
        {
            end = Ended(ConnectionEndKind.Reset, exception.SocketErrorCode.ToString());
        }
        catch (Exception exception)
        {
            // Anything else would otherwise end the loop unseen, leaving a dead connection counted as open.
            end = Ended(ConnectionEndKind.Failure, exception.GetType().Name);
        }

        Volatile.Write(ref _end, end);
        Socket.Dispose();
    }

    /// <summary>Reads what arrived and handles its frames; the end of the connection once it ended, else null.</summary>
    private ConnectionEnd? Drain()
    {
        Span<byte> buffer = stackalloc byte[ReadSize];
        int read = Socket.Receive(buffer, SocketFlags.None, out var error);
        if (error != SocketError.Success)
        {
            return Ended(ConnectionEndKind.Reset, error.ToString());
        }

        return read == 0 ? Ended(ConnectionEndKind.EndOfStream, "") : Process(buffer.Slice(0, read));
    }

    /// <summary>
    /// Handles <paramref name="received"/>, the next bytes from the server (at most <see cref="ReadSize"/>), split
    /// anywhere: answers pings, notes the pong to the final ping, skips data frames, keeps the start of a frame that has
    /// not arrived whole for the next call; returns the end of the connection once a frame ended it, else null.
    /// </summary>
    public ConnectionEnd? Process(ReadOnlySpan<byte> received)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(received.Length, ReadSize);
        scoped ReadOnlySpan<byte> data = received;
        Span<byte> joined = stackalloc byte[MaxCarry + ReadSize];
        if (_carry is { } carry)
        {
            // Only a frame split between reads pays this copy.
            carry.CopyTo(joined);
            received.CopyTo(joined.Slice(carry.Length));
            data = joined.Slice(0, carry.Length + received.Length);
            _carry = null;
        }

        while (!data.IsEmpty)
        {
            if (_skip > 0)
            {
                int skipped = (int)Math.Min(_skip, data.Length);
                _skip -= skipped;
                data = data.Slice(skipped);
                continue;
            }

            if (data.Length < 2)
            {
                break;
            }

            // Section 5.2: FIN, opcode, then MASK and a 7-bit length, extended to 16 or 64 bits by 126 and 127.
            bool fin = (data[0] & 0x80) != 0;
            int opcode = data[0] & 0x0F;
            if ((data[1] & 0x80) != 0)
            {
                // Section 5.1: a server masks no frame.
                return Ended(ConnectionEndKind.ProtocolError, "masked frame");
            }

            int length = data[1] & 0x7F;
            int header = length == 126 ? 4 : length == 127 ? 10 : 2;
            if (data.Length < header)
            {
                break;
            }

            long payloadLength = length == 126 ? BinaryPrimitives.ReadUInt16BigEndian(data.Slice(2))
                : length == 127 ? (long)BinaryPrimitives.ReadUInt64BigEndian(data.Slice(2))
                : length;
            if (payloadLength < 0)
            {
                return Ended(ConnectionEndKind.ProtocolError, "64-bit length with its most significant bit set");
            }

            if ((opcode & 0x8) == 0)
            {
                // A data frame (section 5.6), of any length: nothing here wants it.
                data = data.Slice(header);
                _skip = payloadLength;
                continue;
            }

            if (!fin || payloadLength > 125)
            {
                // Section 5.5: control frames are never fragmented and carry at most 125 bytes.
                return Ended(ConnectionEndKind.ProtocolError, "fragmented or long control frame");
            }

            if (data.Length < header + payloadLength)
            {
                break;
            }

            ReadOnlySpan<byte> payload = data.Slice(header, (int)payloadLength);
            data = data.Slice(header + (int)payloadLength);
            switch (opcode)
            {
                case RawWebSocket.OpPing:
                    Send(RawWebSocket.OpPong, payload);
                    break;
                case RawWebSocket.OpPong:
                    if (payload.Length == 4 && BinaryPrimitives.ReadInt32BigEndian(payload) == index)
                    {
                        _answered = true;
                    }

                    break;
                case RawWebSocket.OpClose:
                    return OnClose(payload);
                default:
                    return Ended(ConnectionEndKind.ProtocolError, $"reserved opcode {opcode:X}");
            }
        }

        if (!data.IsEmpty)
        {
            _carry = data.ToArray();
        }

        return null;
    }

    /// <summary>The server's close frame: its code and reason recorded (section 5.5.1), its code sent back.</summary>
    private ConnectionEnd OnClose(ReadOnlySpan<byte> payload)
    {
        if (payload.Length == 1)
        {
            return Ended(ConnectionEndKind.ProtocolError, "close frame of 1 byte");
        }

        // Section 5.5.1: the endpoint that receives a close frame answers with one, usually echoing the code.
        Send(RawWebSocket.OpClose, payload.Slice(0, Math.Min(2, payload.Length)));
        if (payload.IsEmpty)
        {
            // Section 7.1.5: no status code is reported as 1005.
            return Ended(ConnectionEndKind.Close, "1005");
        }

        int code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        string reason = Encoding.UTF8.GetString(payload.Slice(2));
        return Ended(ConnectionEndKind.Close, reason.Length == 0 ? $"{code}" : $"{code} {reason}");
    }

    private ConnectionEnd Ended(ConnectionEndKind kind, string detail) =>
        new(kind, detail, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _answered);

    private void Send(byte opcode, ReadOnlySpan<byte> payload)
    {
        Span<byte> frame = stackalloc byte[6 + 125];
        int length = RawWebSocket.WriteFrame(frame, opcode, payload);
        lock (_send)
        {
            try
            {
                // A failed send shows as the end of the connection on the receive side, where it is recorded.
                Socket.Send(frame.Slice(0, length), SocketFlags.None, out _);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
