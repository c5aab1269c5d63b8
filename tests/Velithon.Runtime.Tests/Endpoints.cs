using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Velithon;

namespace Velithon.Runtime.Tests;

public sealed record Move(int X, int Y);

public sealed record Ping(long Sent);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Move))]
[JsonSerializable(typeof(Ping))]
[JsonSerializable(typeof(ChatMessage))]
public sealed partial class GameJsonContext : JsonSerializerContext;

/// <summary>Records what endpoints did, per connection id, so tests can assert the order.</summary>
public sealed class EventRecorder
{
    private readonly ConcurrentDictionary<string, List<string>> _events = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new();

    public void Record(string id, string item)
    {
        var list = _events.GetOrAdd(id, _ => []);
        lock (list)
        {
            list.Add(item);
        }

        if (_waiters.TryGetValue(id + "|" + item, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>Waits until <paramref name="item"/> was recorded for <paramref name="id"/>, then returns everything recorded.</summary>
    public async Task<string[]> WaitForAsync(string id, string item)
    {
        var waiter = _waiters.GetOrAdd(id + "|" + item, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Snapshot(id).Contains(item))
        {
            waiter.TrySetResult();
        }

        await waiter.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return Snapshot(id);
    }

    public string[] Snapshot(string id)
    {
        var list = _events.GetOrAdd(id, _ => []);
        lock (list)
        {
            return [.. list];
        }
    }
}

/// <summary>A scoped service: one per connection, disposed when the connection's scope ends.</summary>
public sealed class ConnectionScope(EventRecorder recorder) : IDisposable
{
    public string? Id { get; set; }

    public void Dispose()
    {
        if (Id is not null)
        {
            recorder.Record(Id, "scope-disposed");
        }
    }
}

/// <summary>Records the Python original's lifecycle, in order, and misbehaves on request.</summary>
[WebSocket("/lifecycle/<mode>")]
public sealed class LifecycleEndpoint : WebSocketEndpoint, IDisposable
{
    private readonly string _id;
    private readonly string _mode;
    private readonly EventRecorder _recorder;

    public LifecycleEndpoint(string mode, [FromQuery] string id, EventRecorder recorder, ConnectionScope scope)
    {
        _mode = mode;
        _id = id;
        _recorder = recorder;
        scope.Id = id;
    }

    public override async ValueTask OnConnectAsync(WebSocket ws)
    {
        _recorder.Record(_id, $"connect:{ws.ApplicationState}");
        if (_mode == "reject")
        {
            await ws.CloseAsync(WebSocketCloseCode.PolicyViolation, "Not today");
        }
        else if (_mode == "subprotocol")
        {
            await ws.AcceptAsync("chat.v2");
        }
        else if (_mode == "fail-connect")
        {
            throw new InvalidOperationException("connect failed");
        }
    }

    public override async ValueTask OnConnectCompleteAsync(WebSocket ws)
    {
        _recorder.Record(_id, $"complete:{ws.ApplicationState}:{ws.SubProtocol ?? "none"}");
        await ws.SendTextAsync("welcome");
    }

    public override async ValueTask OnReceiveAsync(WebSocket ws, string data)
    {
        _recorder.Record(_id, "receive:" + data);
        switch (data)
        {
            case "close":
                await ws.CloseAsync(4000, "server says bye");
                break;
            case "throw":
                throw new InvalidOperationException("boom");
            default:
                await ws.SendTextAsync("got " + data);
                break;
        }
    }

    public override ValueTask OnDisconnectAsync(WebSocket ws)
    {
        _recorder.Record(_id, $"disconnect:{ws.CloseCode}");
        return default;
    }

    public override ValueTask OnErrorAsync(WebSocket ws, Exception exception)
    {
        _recorder.Record(_id, "error:" + exception.Message);
        return default;
    }

    public void Dispose() => _recorder.Record(_id, "dispose");
}

/// <summary>Takes text and bytes.</summary>
[WebSocket("/endpoint/echo/<int:channel>")]
public sealed class EchoEndpoint(int channel) : WebSocketEndpoint
{
    public override ValueTask OnReceiveAsync(WebSocket ws, string data) => ws.SendTextAsync($"{channel}: {data}");

    public override ValueTask OnReceiveBytesAsync(WebSocket ws, ReadOnlyMemory<byte> data) => ws.SendBytesAsync(data);
}

/// <summary>Takes text only: binary messages close it with 1003.</summary>
[WebSocket("/endpoint/text")]
public sealed class TextEndpoint : WebSocketEndpoint
{
    public override ValueTask OnReceiveAsync(WebSocket ws, string data) => ws.SendTextAsync(data.ToUpperInvariant());
}

/// <summary>Typed JSON messages, dispatched by their "type" field.</summary>
[WebSocket("/game/<gameId>")]
[JsonMessages(typeof(GameJsonContext))]
public sealed class GameEndpoint(string gameId) : WebSocketEndpoint
{
    [OnMessage("move")]
    public ValueTask OnMove(WebSocket ws, Move move) => ws.SendTextAsync($"{gameId} move {move.X},{move.Y}");

    [OnMessage("chat")]
    public async Task OnChat(WebSocket ws, ChatMessage message) =>
        await ws.SendJsonAsync(message with { Text = "re: " + message.Text }, GameJsonContext.Default.ChatMessage);

    [OnMessage("ping")]
    public ValueTask OnPing(WebSocket ws, Ping ping) => ws.SendJsonAsync(ping with { Sent = ping.Sent + 1 }, GameJsonContext.Default.Ping);
}

/// <summary>The Python original's "Broadcasting to Multiple Clients", as a user would write it.</summary>
[WebSocket("/broadcast")]
public sealed class BroadcastEndpoint : WebSocketEndpoint
{
    private static readonly ConcurrentDictionary<WebSocket, byte> ConnectedClients = new();

    public static int Count => ConnectedClients.Count;

    public override ValueTask OnConnectCompleteAsync(WebSocket ws)
    {
        ConnectedClients.TryAdd(ws, 0);
        return default;
    }

    public override ValueTask OnDisconnectAsync(WebSocket ws)
    {
        ConnectedClients.TryRemove(ws, out _);
        return default;
    }

    public override async ValueTask OnReceiveAsync(WebSocket ws, string data)
    {
        var disconnected = new List<WebSocket>();
        foreach (var client in ConnectedClients.Keys)
        {
            try
            {
                await client.SendTextAsync(data);
            }
            catch (WebSocketDisconnectException)
            {
                disconnected.Add(client);
            }
        }

        foreach (var client in disconnected)
        {
            ConnectedClients.TryRemove(client, out _);
        }
    }
}
