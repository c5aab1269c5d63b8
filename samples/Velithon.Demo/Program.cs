using Microsoft.AspNetCore.Mvc;
using Velithon;

var builder = WebApplication.CreateSlimBuilder(args);

// http://localhost:8000 unless --urls or the "urls" setting says otherwise.
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://localhost:8000");
builder.Services.AddVelithon(options => options.MaxMessageSize = 64 * 1024);

var app = builder.Build();
app.MapVelithon();
app.Run();

/// <summary>The seed's first example: every text message comes back prefixed with "Echo: ".</summary>
public static class EchoHandlers
{
    [WebSocket("/echo")]
    public static async Task Echo(WebSocket ws, ILogger<WebSocket> logger)
    {
        await ws.AcceptAsync();
        try
        {
            while (true)
            {
                var message = await ws.ReceiveTextAsync();
                await ws.SendTextAsync($"Echo: {message}");
            }
        }
        catch (WebSocketDisconnectException disconnect)
        {
            DemoLog.ClientDisconnected(logger, disconnect.Code);
        }
    }
}

/// <summary>The README's quick start: a room name from the path, an optional token from the query.</summary>
public static class Chat
{
    [WebSocket("/chat/<roomId>")]
    public static async Task Room(WebSocket ws, string roomId, [FromQuery] string? token, CancellationToken aborted)
    {
        await ws.AcceptAsync();
        await foreach (var message in ws.ReceiveTextMessagesAsync(aborted))
        {
            await ws.SendTextAsync($"[{roomId}] {message}");
        }
    }
}

/// <summary>The README's endpoint class: the seed's class-based handler, with a typed path value and injection.</summary>
[WebSocket("/echo/<int:channel>")]
public sealed class EchoEndpoint(int channel, ILogger<EchoEndpoint> log) : WebSocketEndpoint
{
    public override ValueTask OnConnectCompleteAsync(WebSocket ws) => ws.SendTextAsync($"channel {channel}");

    public override ValueTask OnReceiveAsync(WebSocket ws, string data) => ws.SendTextAsync(data);

    public override ValueTask OnDisconnectAsync(WebSocket ws)
    {
        DemoLog.EndpointClosed(log, ws.CloseCode ?? 0);
        return default;
    }
}

internal static partial class DemoLog
{
    [LoggerMessage(1, LogLevel.Information, "Client disconnected with code {Code}")]
    public static partial void ClientDisconnected(ILogger logger, int code);

    [LoggerMessage(2, LogLevel.Information, "Endpoint closed with {Code}")]
    public static partial void EndpointClosed(ILogger logger, int code);
}
