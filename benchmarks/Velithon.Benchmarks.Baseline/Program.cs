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

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
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

app.Run();
