using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Velithon.Runtime.Tests;

/// <summary>
/// JSON without a JsonTypeInfo uses the application's HTTP JSON options, as minimal APIs do: reflection-based
/// metadata when the app is not trimmed, only registered contexts when it is, with an error that names the fix.
/// </summary>
public sealed class JsonTests
{
    [Fact]
    public async Task JsonWithoutTypeInfo_FourShapesRoundTrip_WithTheAppsConfiguredOptions()
    {
        // The app's own JSON options, as minimal APIs read them: the naming policy must show on the wire.
        await using var server = await TestServer.StartAsync(
            sourceGeneratedJsonOnly: false,
            configureBuilder: builder => builder.Services.ConfigureHttpJsonOptions(options =>
                options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower));
        using var client = await Client.ConnectAsync(server.Url("/json/shapes"));

        // An anonymous type.
        Assert.Equal("""{"type":"message","data":"Hello","sent_by":"server"}""", await client.ReceiveTextAsync());

        // Dictionary<string, string>.
        await client.SendTextAsync("""{"room":"lobby","topic":"news"}""");
        Assert.Equal("""{"room":"lobby","topic":"news"}""", await client.ReceiveTextAsync());

        // JsonElement.
        await client.SendTextAsync("""{"nested":[1,2,{"x":null}],"flag":true}""");
        Assert.Equal("""{"nested":[1,2,{"x":null}],"flag":true}""", await client.ReceiveTextAsync());

        // A record, read and written with the snake_case policy.
        await client.SendTextAsync("""{"room_name":"lobby","user_count":1}""");
        Assert.Equal("""{"room_name":"lobby","user_count":2}""", await client.ReceiveTextAsync());

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(Client.Timeout);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Theory]
    [InlineData("dictionary", "No JSON metadata for Dictionary<string, string> in the application's JSON options (Microsoft.AspNetCore.Http.Json.JsonOptions). Add [JsonSerializable(typeof(Dictionary<string, string>))] to a JsonSerializerContext and register the context with builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJson.Default)), or pass its JsonTypeInfo<Dictionary<string, string>> from that context.")]
    [InlineData("element", "No JSON metadata for JsonElement in the application's JSON options (Microsoft.AspNetCore.Http.Json.JsonOptions). Add [JsonSerializable(typeof(JsonElement))] to a JsonSerializerContext and register the context with builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJson.Default)), or pass its JsonTypeInfo<JsonElement> from that context.")]
    [InlineData("list", "No JSON metadata for List<int?[]> in the application's JSON options (Microsoft.AspNetCore.Http.Json.JsonOptions). Add [JsonSerializable(typeof(List<int?[]>))] to a JsonSerializerContext and register the context with builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJson.Default)), or pass its JsonTypeInfo<List<int?[]>> from that context.")]
    [InlineData("anonymous", "No JSON metadata for an anonymous type { type, data } in the application's JSON options (Microsoft.AspNetCore.Http.Json.JsonOptions). A JsonSerializerContext cannot name an anonymous type: declare a record for the message, add [JsonSerializable(typeof(MyMessage))] to a JsonSerializerContext and register the context with builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJson.Default)), or pass its JsonTypeInfo (AppJson.Default.MyMessage).")]
    public async Task TypeMissingFromTheConfiguredResolvers_FailsWithAMessageInCSharp(string shape, string expected)
    {
        // Only a source-generated context, as in a Native AOT app (JsonSerializer.IsReflectionEnabledByDefault is false there).
        await using var server = await TestServer.StartAsync();
        using var client = await Client.ConnectAsync(server.Url($"/json/missing/{shape}"));

        var (status, _) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InternalServerError, status);
        var failure = Assert.Single(server.Logs.Entries, entry => entry.Level == LogLevel.Error);
        var error = Assert.IsType<InvalidOperationException>(failure.Exception);
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public async Task InvalidContractOfAKnownType_FailsWithTheSerializersOwnMessage()
    {
        // Reflection knows the type, but two of its properties claim one JSON name: that is the fault to report,
        // not missing metadata.
        await using var server = await TestServer.StartAsync(sourceGeneratedJsonOnly: false);
        using var client = await Client.ConnectAsync(server.Url("/json/missing/collision"));

        var (status, _) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InternalServerError, status);
        var failure = Assert.Single(server.Logs.Entries, entry => entry.Level == LogLevel.Error);
        var error = Assert.IsType<InvalidOperationException>(failure.Exception);
        Assert.Contains("collides", error.Message);
        Assert.DoesNotContain("No JSON metadata", error.Message);
    }
}
