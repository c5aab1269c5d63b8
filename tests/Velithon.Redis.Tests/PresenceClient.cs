using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Velithon.Redis.Tests;

/// <summary>
/// A ClientWebSocket tracked in a presence room (<see cref="PresenceRooms"/>): its presence diffs, summarized as
/// <c>"+alice -bob"</c> (joins then leaves, each by key), are read into one channel and its other messages into another.
/// </summary>
public sealed class PresenceClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<string> _diffs = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _texts = Channel.CreateUnbounded<string>();
    private Task _reading = Task.CompletedTask;

    public string ConnectionId { get; private set; } = "";

    /// <summary>The raw JSON of every diff received, in order.</summary>
    public List<string> RawDiffs { get; } = [];

    public static async Task<PresenceClient> TrackAsync(ChatServer server, string room, string user, string? device = null)
    {
        var client = new PresenceClient();
        using var timeout = new CancellationTokenSource(TestClient.Timeout);
        await client._socket.ConnectAsync(server.Url($"/presence/{room}?user={user}" + (device is null ? "" : "&device=" + device)), timeout.Token);
        client._reading = client.ReadAsync();
        var me = await client.ReceiveTextAsync();
        Assert.StartsWith("me ", me);
        client.ConnectionId = me[3..];
        Assert.Equal("tracked", await client.ReceiveTextAsync());
        return client;
    }

    public async Task<string> ReceiveDiffAsync() => await _diffs.Reader.ReadAsync().AsTask().WaitAsync(TestClient.Timeout);

    /// <summary>The next diff if one comes within <paramref name="wait"/>; for a probe loop that moves a fake clock, not for an assertion of absence.</summary>
    public async Task<string?> TryReceiveDiffAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return await _diffs.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public bool HasDiff => _diffs.Reader.TryPeek(out _);

    public async Task<string> ReceiveTextAsync() => await _texts.Reader.ReadAsync().AsTask().WaitAsync(TestClient.Timeout);

    public Task SendAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(TestClient.Timeout);

    /// <summary>Cuts the TCP connection without a close handshake.</summary>
    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _reading;
        _socket.Dispose();
    }

    /// <summary>"+a +b -c": the keys that joined, then those that left, each in the server's order (by key).</summary>
    public static string Summarize(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("presence_diff", root.GetProperty("type").GetString());
        var parts = new List<string>();
        foreach (var join in root.GetProperty("joins").EnumerateObject())
        {
            Assert.NotEqual(0, join.Value.GetArrayLength());
            parts.Add("+" + join.Name);
        }

        foreach (var leave in root.GetProperty("leaves").EnumerateObject())
        {
            Assert.NotEqual(0, leave.Value.GetArrayLength());
            parts.Add("-" + leave.Name);
        }

        return string.Join(' ', parts);
    }

    private async Task ReadAsync()
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(chunk, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                buffer.Write(chunk, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
                buffer.SetLength(0);
                if (text.StartsWith("{\"type\":\"presence_diff\"", StringComparison.Ordinal))
                {
                    lock (RawDiffs)
                    {
                        RawDiffs.Add(text);
                    }

                    await _diffs.Writer.WriteAsync(Summarize(text));
                }
                else
                {
                    await _texts.Writer.WriteAsync(text);
                }
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
        }
        finally
        {
            _diffs.Writer.TryComplete();
            _texts.Writer.TryComplete();
        }
    }
}
