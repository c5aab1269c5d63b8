using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Velithon.Runtime.Tests.Conformance;

/// <summary>
/// Random input with fixed seeds: malformed handshakes must get a 4xx or a normal handshake, never a
/// 500; random frames must never crash the server or disturb another connection.
/// </summary>
public sealed class FuzzTests : IAsyncLifetime
{
    private const string Alphabet = "abcAZ09-._~%/?#[]@!$&'()*+,;=:{}<>\"\\|^` \t\u00e9\u4e2d\U0001F600";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task MalformedHandshakes_GetA4xxOrAHandshake_NeverA500()
    {
        var random = new Random(20261126);
        var statuses = new Dictionary<int, int>();
        for (int i = 0; i < 600; i++)
        {
            string path = "/bind/" + Segment(random, digitsOnly: random.Next(3) == 0) + "/" + Segment(random) + "/"
                + (random.Next(3) == 0 ? Guid.NewGuid().ToString() : Segment(random)) + "/" + Segment(random) + "/" + Segment(random);
            string query = "?token=" + Segment(random) + (random.Next(2) == 0 ? "&page=" + Segment(random, digitsOnly: random.Next(2) == 0) : "")
                + (random.Next(2) == 0 ? "&color=" + Segment(random) : "") + (random.Next(4) == 0 ? "&" + Segment(random) : "");
            string header = "X-Client: " + Segment(random);
            int status = await HandshakeStatusAsync(path + query, header);
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status is 101 or (>= 400 and < 500), $"'{path}{query}' got {status}");
        }

        // The fuzzing reached both outcomes: real binding failures and accepted handshakes.
        Assert.True(statuses.GetValueOrDefault(400) > 0, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault(101) > 0, string.Join(", ", statuses));
        Assert.DoesNotContain(_server.Logs.Entries, entry => entry.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task RandomFrames_NeverDisturbAnotherConnection()
    {
        var random = new Random(4242);
        await using var bystander = await RawWebSocket.ConnectAsync(_server.Http1Base, "/conformance/echo", seed: 7);
        for (int connection = 0; connection < 60; connection++)
        {
            await using (var socket = await RawWebSocket.ConnectAsync(_server.Http1Base, "/conformance/echo", seed: connection))
            {
                try
                {
                    for (int frame = 0; frame < 20; frame++)
                    {
                        await socket.SendRawAsync(RandomFrame(socket, random));
                    }
                }
                catch (IOException)
                {
                    // The server closed this connection for a protocol error: expected.
                }
            }

            string probe = $"still here {connection}";
            await bystander.SendTextAsync(probe);
            var echo = await bystander.ReadFrameAsync();
            Assert.Equal(probe, Encoding.UTF8.GetString(echo!.Payload));
        }

        Assert.DoesNotContain(_server.Logs.Entries, entry => entry.Level >= LogLevel.Error);
    }

    private static byte[] RandomFrame(RawWebSocket socket, Random random)
    {
        if (random.Next(10) == 0)
        {
            var garbage = new byte[random.Next(1, 40)];
            random.NextBytes(garbage);
            return garbage;
        }

        int[] opcodes = [0, 1, 1, 2, 2, 3, 8, 9, 10, 11];
        var payload = new byte[random.Next(0, random.Next(2) == 0 ? 130 : 2000)];
        random.NextBytes(payload);
        return socket.EncodeFrame(
            opcodes[random.Next(opcodes.Length)],
            payload,
            fin: random.Next(4) != 0,
            rsv: random.Next(8) == 0 ? random.Next(1, 8) : 0,
            mask: random.Next(12) != 0);
    }

    private static string Segment(Random random, bool digitsOnly = false)
    {
        int length = random.Next(0, 12);
        var builder = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            if (digitsOnly)
            {
                builder.Append((char)('0' + random.Next(10)));
                continue;
            }

            // Runes, not chars, so no lone surrogate is produced.
            var runes = Alphabet.EnumerateRunes().ToArray();
            builder.Append(runes[random.Next(runes.Length)].ToString());
        }

        return Uri.EscapeDataString(builder.ToString()).Replace("%25", random.Next(3) == 0 ? "%" : "%25", StringComparison.Ordinal);
    }

    /// <summary>Sends a handshake as raw bytes, so nothing on the client side cleans it up, and returns the status code.</summary>
    private async Task<int> HandshakeStatusAsync(string pathAndQuery, string header)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_server.Http1Base.Host, _server.Http1Base.Port);
        var stream = tcp.GetStream();
        string request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {Convert.ToBase64String(Guid.NewGuid().ToByteArray())}\r\nSec-WebSocket-Version: 13\r\n{header}\r\n\r\n";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        var buffer = new byte[64];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        int read = 0;
        while (read < 12)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        string statusLine = Encoding.ASCII.GetString(buffer, 0, read);
        Assert.StartsWith("HTTP/1.1 ", statusLine, StringComparison.Ordinal);
        return int.Parse(statusLine.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
    }
}
