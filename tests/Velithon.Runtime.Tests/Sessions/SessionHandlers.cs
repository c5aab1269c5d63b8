namespace Velithon.Runtime.Tests.Sessions;

/// <summary>Resumable routes for <see cref="ResumableSessionTests"/>.</summary>
public static class SessionHandlers
{
    /// <summary>
    /// Says "hello &lt;connection id&gt; &lt;scope id&gt;", joins the room's group, then answers each message "r:&lt;text&gt;"
    /// and records it, until the connection ends; "burst &lt;n&gt;" sends "b1".."bn" instead.
    /// </summary>
    [WebSocket("/session/chat/<room>")]
    [ResumableSession(WindowSeconds = 30, MaxBufferedMessages = 64)]
    public static async Task Chat(WebSocket ws, string room, IWebSocketHub hub, EventRecorder recorder, ConnectionScope scope, SessionTracker tracker)
    {
        tracker.Track(ws);
        await ws.AcceptAsync();
        scope.Id = ws.ConnectionId;
        hub.AddToGroup(ws, "session-room-" + room);
        await ws.SendTextAsync($"hello {ws.ConnectionId} {System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(scope)}");
        try
        {
            while (true)
            {
                string text = await ws.ReceiveTextAsync();
                recorder.Record(ws.ConnectionId, "in:" + text);
                if (text.StartsWith("burst ", StringComparison.Ordinal))
                {
                    int count = int.Parse(text.AsSpan(6), System.Globalization.CultureInfo.InvariantCulture);
                    for (int i = 1; i <= count; i++)
                    {
                        await ws.SendTextAsync("b" + i);
                    }

                    recorder.Record(ws.ConnectionId, "burst-sent");
                }
                else
                {
                    await ws.SendTextAsync("r:" + text);
                }
            }
        }
        catch (WebSocketDisconnectException disconnect)
        {
            recorder.Record(ws.ConnectionId, "ended:" + disconnect.Code);
        }
    }

    /// <summary>
    /// Says "hello &lt;connection id&gt;", then for each message x tries to send "canceled:x" with a token canceled before
    /// the call (recording "canceled" or "sent"), then sends "after:x".
    /// </summary>
    [WebSocket("/session/cancel")]
    [ResumableSession(WindowSeconds = 30, MaxBufferedMessages = 64)]
    public static async Task CanceledSend(WebSocket ws, EventRecorder recorder)
    {
        await ws.AcceptAsync();
        await ws.SendTextAsync($"hello {ws.ConnectionId}");
        try
        {
            while (true)
            {
                string text = await ws.ReceiveTextAsync();
                using var canceled = new CancellationTokenSource();
                canceled.Cancel();
                try
                {
                    await ws.SendTextAsync("canceled:" + text, canceled.Token);
                    recorder.Record(ws.ConnectionId, "sent");
                }
                catch (OperationCanceledException)
                {
                    recorder.Record(ws.ConnectionId, "canceled");
                }

                await ws.SendTextAsync("after:" + text);
            }
        }
        catch (WebSocketDisconnectException disconnect)
        {
            recorder.Record(ws.ConnectionId, "ended:" + disconnect.Code);
        }
    }

    /// <summary>A small buffer, for the overflow refusal.</summary>
    [WebSocket("/session/small")]
    [ResumableSession(WindowSeconds = 30, MaxBufferedMessages = 4)]
    public static Task Small(WebSocket ws, IWebSocketHub hub, EventRecorder recorder, ConnectionScope scope, SessionTracker tracker) => Chat(ws, "small", hub, recorder, scope, tracker);

    /// <summary>Another resumable route, for a token presented on the wrong route.</summary>
    [WebSocket("/session/other")]
    [ResumableSession]
    public static Task Other(WebSocket ws, IWebSocketHub hub, EventRecorder recorder, ConnectionScope scope, SessionTracker tracker) => Chat(ws, "other", hub, recorder, scope, tracker);
}

/// <summary>
/// Weak references to the connections of the session routes: a connection still alive after the churn and a full
/// collection is held by something (a session, its buffer, a timer, a registry), which is the leak the soak looks for.
/// </summary>
public sealed class SessionTracker
{
    private readonly List<WeakReference> _connections = [];

    public void Track(WebSocket ws)
    {
        lock (_connections)
        {
            _connections.Add(new WeakReference(ws));
        }
    }

    /// <summary>The connection tracked last, while it is alive: the server's side of the test's one session.</summary>
    public WebSocket Latest()
    {
        lock (_connections)
        {
            return _connections.Count > 0 && _connections[^1].Target is WebSocket ws ? ws : throw new InvalidOperationException("No connection is alive.");
        }
    }

    /// <summary>How many tracked connections are still alive; forgets the others.</summary>
    public int Alive()
    {
        lock (_connections)
        {
            _connections.RemoveAll(static reference => !reference.IsAlive);
            return _connections.Count;
        }
    }

    /// <summary>A send-only handler (a status feed): it never receives, so the client's acknowledgements are never read.</summary>
    [WebSocket("/session/feed")]
    [ResumableSession(WindowSeconds = 30, MaxBufferedMessages = 4)]
    public static async Task Feed(WebSocket ws, IWebSocketHub hub)
    {
        await ws.AcceptAsync();
        hub.AddToGroup(ws, "session-feed");
        await ws.SendTextAsync("hello");
        try
        {
            await Task.Delay(Timeout.Infinite, ws.Aborted);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
