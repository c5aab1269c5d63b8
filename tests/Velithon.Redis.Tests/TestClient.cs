using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Velithon.Redis.Tests;

/// <summary>A ClientWebSocket whose messages are read into a channel, so tests can wait for them with timeouts.</summary>
public sealed class TestClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket;
    private readonly Channel<string> _messages = Channel.CreateUnbounded<string>();
    private readonly Task _reading;

    private TestClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reading = ReadAsync();
    }

    /// <summary>The connection id, for a client of <c>/me</c>.</summary>
    public string ConnectionId { get; private set; } = "";

    /// <summary>Joins a room (<c>/rooms/{room}</c>): returns once the server said "joined", which it says once the room is subscribed.</summary>
    public static async Task<TestClient> JoinAsync(ChatServer server, string room)
    {
        var client = await ConnectAsync(server, "/rooms/" + room);
        Assert.Equal("joined", await client.ReceiveAsync());
        return client;
    }

    /// <summary>Connects to <c>/me</c>, as <paramref name="user"/> when given, and reads the greeting with the connection id.</summary>
    public static async Task<TestClient> MeAsync(ChatServer server, string? user = null)
    {
        var client = await ConnectAsync(server, user is null ? "/me" : "/me?user=" + user);
        var me = (await client.ReceiveAsync()).Split(' ');
        Assert.Equal(["me", user ?? "-"], [me[0], me[2]]);
        client.ConnectionId = me[1];
        return client;
    }

    private static async Task<TestClient> ConnectAsync(ChatServer server, string path)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(server.Url(path), timeout.Token);
        return new TestClient(socket);
    }

    public Task SendAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Timeout);

    public async Task<string> ReceiveAsync() => await _messages.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    public async Task<List<string>> ReceiveAsync(int count)
    {
        var received = new List<string>();
        while (received.Count < count)
        {
            received.Add(await ReceiveAsync());
        }

        return received;
    }

    /// <summary>The messages received until <paramref name="marker"/>, which is consumed.</summary>
    public async Task<List<string>> ReceiveUntilAsync(string marker)
    {
        var received = new List<string>();
        for (var text = await ReceiveAsync(); text != marker; text = await ReceiveAsync())
        {
            received.Add(text);
        }

        return received;
    }

    public async Task<string?> TryReceiveAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return await _messages.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Skips leftover probes, then returns the next <paramref name="count"/> messages.</summary>
    public async Task<List<string>> ReceiveAfterProbesAsync(int count)
    {
        var received = new List<string>();
        while (received.Count < count)
        {
            var text = await ReceiveAsync();
            if (received.Count > 0 || !text.StartsWith("probe", StringComparison.Ordinal))
            {
                received.Add(text);
            }
        }

        return received;
    }

    public void Clear()
    {
        while (_messages.Reader.TryRead(out _))
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _reading;
        _socket.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                // Messages here are small: one frame each.
                await _messages.Writer.WriteAsync(Encoding.UTF8.GetString(buffer, 0, result.Count));
            }
        }
        catch (WebSocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (OperationCanceledException)
        {
            // DisposeAsync aborted the socket.
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }
}
