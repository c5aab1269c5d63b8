using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Velithon.Runtime.Tests;

/// <summary>
/// A JsonException is blamed where it arises: data the client sent that a receive call cannot read closes with
/// 1007 and no error; a JsonException from the server's own code is a crash, 1011 and an Error line. The same for
/// static handlers and endpoint classes.
/// </summary>
public sealed class JsonBlameTests
{
    [Theory]
    [InlineData("/json/blame/client")]
    [InlineData("/json/blame-endpoint/client")]
    public async Task InvalidJsonFromTheClient_Closes1007_WithoutAnError(string path)
    {
        await using var server = await TestServer.StartAsync(configureBuilder: builder => builder.Logging.AddFilter("Velithon", LogLevel.Debug));
        using var client = await Client.ConnectAsync(server.Url(path));
        Assert.Equal("ready", await client.ReceiveTextAsync());
        await client.SendTextAsync("""{"x":"left"}""");

        Assert.Equal((WebSocketCloseStatus.InvalidPayloadData, "The message is not valid JSON for the expected type."), await client.ReceiveCloseAsync());
        await server.Logs.WaitForAsync(entry => entry.Message.Contains("is not valid JSON; the connection is closed with 1007", StringComparison.Ordinal));
        var line = Assert.Single(server.Logs.Entries, entry => entry.Message.Contains("is not valid JSON; the connection is closed with 1007", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, line.Level);
        Assert.IsAssignableFrom<JsonException>(line.Exception);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Theory]
    [InlineData("/json/blame/server")]
    [InlineData("/json/blame-endpoint/server")]
    public async Task JsonExceptionFromTheServersOwnCode_Closes1011_WithAnError(string path)
    {
        await using var server = await TestServer.StartAsync();
        using var client = await Client.ConnectAsync(server.Url(path));
        Assert.Equal("ready", await client.ReceiveTextAsync());
        await client.SendTextAsync("go");

        Assert.Equal(WebSocketCloseStatus.InternalServerError, (await client.ReceiveCloseAsync()).Status);
        var error = Assert.Single(server.Logs.Entries, entry => entry.Level == LogLevel.Error);
        Assert.IsAssignableFrom<JsonException>(error.Exception);
        Assert.Contains("after accepting", error.Message, StringComparison.Ordinal);
    }
}
