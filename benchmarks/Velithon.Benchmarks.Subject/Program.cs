using System.Net;
using Velithon;
using Velithon.Benchmarks;

// The subject: the baseline's endpoints written as a Velithon user would write them, with both
// handler kinds: /echo as a static handler (and /echo-string, the same echo through strings, and /echo-foreach, the same
// echo as an await foreach loop), /echo-endpoint as an
// endpoint class, and /broadcast relaying every member's message to the group.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, ServerStats.Port(args)));
// --deflate: permessage-deflate on every route, window 15 with context takeover (the defaults), as the baseline's.
bool deflate = ServerStats.Deflate(args);
builder.Services.AddVelithon(options =>
{
    options.Compression.Enabled = deflate;
    options.Compression.ServerMaxWindowBits = 15;
    options.Compression.DisableServerContextTakeover = false;
});
var app = builder.Build();
app.MapStats();
app.MapVelithon();
app.Run();

public static class Echo
{
    // An echo sends each message back as it came, text or binary, without decoding it: what a user writes for a relay.
    [WebSocket("/echo")]
    public static async Task Handle(WebSocket ws)
    {
        while (true)
        {
            var message = await ws.ReceiveAsync();
            await ws.SendAsync(message);
        }
    }

    // The same echo as the docs' receive loop (VLT0035): it ends when the client closes, without an exception.
    [WebSocket("/echo-foreach")]
    public static async Task HandleAsLoop(WebSocket ws)
    {
        await foreach (var message in ws.ReceiveMessagesAsync())
        {
            await ws.SendAsync(message);
        }
    }

    // The same echo through strings, as a handler that works on the text writes it: decoded, then encoded again.
    [WebSocket("/echo-string")]
    public static async Task HandleAsStrings(WebSocket ws)
    {
        while (true)
        {
            var message = await ws.ReceiveAsync();
            if (message.IsText)
            {
                await ws.SendTextAsync(message.GetText());
            }
            else
            {
                await ws.SendBytesAsync(message.Data);
            }
        }
    }
}

public static class Broadcast
{
    [WebSocket("/broadcast")]
    public static async Task Handle(WebSocket ws, IWebSocketHub hub)
    {
        await ws.AcceptAsync();
        hub.AddToGroup(ws, "members");
        while (true)
        {
            var message = await ws.ReceiveAsync();
            await hub.Group("members").SendBytesAsync(message.Data);
        }
    }
}

[WebSocket("/echo-endpoint")]
public sealed class EchoEndpoint : WebSocketEndpoint
{
    public override ValueTask OnReceiveAsync(WebSocket ws, string data) => ws.SendTextAsync(data);

    public override ValueTask OnReceiveBytesAsync(WebSocket ws, ReadOnlyMemory<byte> data) => ws.SendBytesAsync(data);
}
