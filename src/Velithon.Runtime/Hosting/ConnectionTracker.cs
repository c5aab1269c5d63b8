using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Velithon.Connections;

namespace Velithon.Hosting;

/// <summary>
/// Knows the accepted connections, so that when the host stops each one is closed with 1001 (going away,
/// RFC 6455 section 7.4.1) and its handler or endpoint sees a normal disconnect, instead of being cut off
/// when the host's shutdown timeout runs out.
/// </summary>
internal sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<ServerWebSocket, byte> _connections = new();

    public ConnectionTracker(IHostApplicationLifetime lifetime)
    {
        lifetime.ApplicationStopping.Register(static state => ((ConnectionTracker)state!).CloseAll(), this);
    }

    public int Count => _connections.Count;

    public void Add(ServerWebSocket socket) => _connections.TryAdd(socket, 0);

    public void Remove(ServerWebSocket socket) => _connections.TryRemove(socket, out _);

    private void CloseAll()
    {
        var closing = new List<Task>();
        foreach (var socket in _connections.Keys)
        {
            closing.Add(socket.CloseAsync(WebSocketCloseCode.GoingAway, "The server is shutting down."));
        }

        // Each close waits at most the close timeout; the host waits for the handlers, which end as their
        // connections do. Nothing here needs to block the stopping callback.
        _ = Task.WhenAll(closing);
    }
}
