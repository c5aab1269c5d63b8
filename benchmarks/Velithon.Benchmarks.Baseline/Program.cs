using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using Velithon.Benchmarks;

// The baseline: a best-practice hand-written ASP.NET Core WebSocket server, with the same endpoints
// as the Velithon subject. AcceptWebSocketAsync, one pooled buffer per connection, the ValueTask and
// Memory overloads, and a plain loop over the sockets for broadcast.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, ServerStats.Port(args)));
// --deflate: permessage-deflate through the framework's WebSocket, window 15 with context takeover.
WebSocketAcceptContext acceptContext = ServerStats.Deflate(args)
    ? new() { DangerousEnableCompression = true, ServerMaxWindowBits = 15, DisableServerContextTakeover = false }
    : new();
var app = builder.Build();
app.UseWebSockets();
app.MapStats();

app.Map("/echo", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync(acceptContext);
    var buffer = ArrayPool<byte>.Shared.Rent(8 * 1024);
    try
    {
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
        }
    }
    catch (WebSocketException)
    {
        // The client went away.
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(buffer);
    }
});

// Broadcast: every member's message goes to every member, by a plain loop over the sockets. The load
// generator sends one broadcast at a time, so no socket ever has two senders.
var members = new System.Collections.Concurrent.ConcurrentDictionary<WebSocket, byte>();
app.Map("/broadcast", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    members.TryAdd(socket, 0);
    var buffer = ArrayPool<byte>.Shared.Rent(8 * 1024);
    try
    {
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            var message = buffer.AsMemory(0, result.Count);
            foreach (var member in members.Keys)
            {
                try
                {
                    await member.SendAsync(message, result.MessageType, endOfMessage: true, CancellationToken.None);
                }
                catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
                {
                    // That member went away; the others still get the message.
                }
            }
        }
    }
    catch (WebSocketException)
    {
        // The client went away.
    }
    finally
    {
        members.TryRemove(socket, out _);
        ArrayPool<byte>.Shared.Return(buffer);
    }
});

app.Run();
