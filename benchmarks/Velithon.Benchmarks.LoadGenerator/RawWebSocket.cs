using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Velithon.Benchmarks;

/// <summary>
/// The client side of RFC 6455 on a bare socket, as little of it as an idle-connection benchmark needs: the opening
/// handshake (section 4.1), masked frames of at most 125 bytes (section 5.2), and the server's unmasked control frames.
/// A <c>ClientWebSocket</c> costs several KiB per connection on the client; a bare socket about one, so a few client
/// processes can hold a quarter of a million connections on the machine the server runs on.
/// </summary>
public static class RawWebSocket
{
    /// <summary>Linux's IP_BIND_ADDRESS_NO_PORT (netinet/in.h): bind picks the address only, connect picks the port by 4-tuple.</summary>
    private const int IpBindAddressNoPort = 24;

    public const byte OpBinary = 0x2;
    public const byte OpClose = 0x8;
    public const byte OpPing = 0x9;
    public const byte OpPong = 0xA;

    private static ReadOnlySpan<byte> Guid => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

    /// <summary>
    /// Connects from <paramref name="source"/> to <paramref name="server"/> and completes the opening handshake on
    /// <paramref name="path"/>; throws when the server answers anything but a 101 with the right Sec-WebSocket-Accept.
    /// </summary>
    public static async Task<Socket> ConnectAsync(IPAddress source, IPEndPoint server, string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // With the port left to connect, each source address gives one ephemeral range per server address and
            // port (net.ipv4.ip_local_port_range), not one range for everything bound to it.
            socket.SetRawSocketOption((int)SocketOptionLevel.IP, IpBindAddressNoPort, BitConverter.GetBytes(1));
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(server, cancellationToken);

            Span<byte> nonce = stackalloc byte[16];
            RandomNumberGenerator.Fill(nonce);
            string key = Convert.ToBase64String(nonce);
            byte[] request = Encoding.ASCII.GetBytes(
                $"GET {path} HTTP/1.1\r\nHost: {server}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
            await socket.SendAsync(request, SocketFlags.None, cancellationToken);

            var response = new byte[1024];
            int length = 0;
            int end;
            while ((end = response.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (length == response.Length)
                {
                    throw new InvalidOperationException("The handshake response is longer than 1 KiB.");
                }

                int read = await socket.ReceiveAsync(response.AsMemory(length), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    throw new InvalidOperationException("The server closed the connection during the handshake.");
                }

                length += read;
            }

            string head = Encoding.ASCII.GetString(response, 0, end);
            if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("Handshake refused: " + head.Split("\r\n")[0]);
            }

            if (!head.Contains("Sec-WebSocket-Accept: " + AcceptKey(key), StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("The handshake response has a wrong or no Sec-WebSocket-Accept.");
            }

            if (length != end + 4)
            {
                throw new InvalidOperationException("The server sent frames before the client's first message.");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one 32-byte binary message and waits for its echo: the server's handler has then run and is waiting.</summary>
    public static async Task EchoOnceAsync(Socket socket, CancellationToken cancellationToken)
    {
        byte[] frame = new byte[2 + 4 + 32];
        int length = WriteFrame(frame, OpBinary, new byte[32]);
        await socket.SendAsync(frame.AsMemory(0, length), SocketFlags.None, cancellationToken);

        // The echo: 2 header bytes and the 32 payload bytes, unmasked (section 5.1).
        byte[] echo = new byte[34];
        int received = 0;
        while (received < echo.Length)
        {
            int read = await socket.ReceiveAsync(echo.AsMemory(received), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new InvalidOperationException("The server closed the connection instead of echoing.");
            }

            received += read;
        }

        if (echo[0] != (0x80 | OpBinary) || echo[1] != 32)
        {
            throw new InvalidOperationException($"Unexpected echo frame header {echo[0]:x2} {echo[1]:x2}.");
        }
    }

    /// <summary>Writes a final, masked frame of <paramref name="opcode"/> (at most 125 payload bytes) into <paramref name="destination"/>; returns its length.</summary>
    public static int WriteFrame(Span<byte> destination, byte opcode, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > 125)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), "Only short frames.");
        }

        destination[0] = (byte)(0x80 | opcode);
        destination[1] = (byte)(0x80 | payload.Length);

        // Section 5.3: every client frame is masked; any key will do for a benchmark, but a fixed one is still a key.
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(2), 0x5A3C_96E1u);
        for (int i = 0; i < payload.Length; i++)
        {
            destination[6 + i] = (byte)(payload[i] ^ destination[2 + (i & 3)]);
        }

        return 6 + payload.Length;
    }

    /// <summary>Sec-WebSocket-Accept for <paramref name="key"/> (section 4.2.2).</summary>
    public static string AcceptKey(string key)
    {
        byte[] input = [.. Encoding.ASCII.GetBytes(key), .. Guid];
        return Convert.ToBase64String(SHA1.HashData(input));
    }
}
