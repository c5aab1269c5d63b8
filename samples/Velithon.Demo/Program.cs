using Velithon;

var builder = WebApplication.CreateSlimBuilder(args);
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
            logger.LogInformation("Client disconnected with code {Code}", disconnect.Code);
        }
    }
}
