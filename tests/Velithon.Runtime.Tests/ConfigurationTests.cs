using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Velithon.Runtime.Tests;

/// <summary>VelithonOptions bind from the <c>Velithon</c> configuration section, are validated like code-set options, and code wins.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task ConfigurationSection_BindsEveryKindOfOption_AndTakesEffect()
    {
        await using var server = await TestServer.StartAsync(configureBuilder: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Velithon:MaxConnections"] = "1",
            ["Velithon:KeepAliveInterval"] = "00:00:10",
            ["Velithon:AllowedOrigins:0"] = "https://app.example",
            ["Velithon:MessageRateLimit:TokenLimit"] = "5",
            ["Velithon:MessageRateLimit:TokensPerPeriod"] = "5",
            ["Velithon:MessageRateLimit:ReplenishmentPeriod"] = "00:00:01",
            ["Velithon:Compression:ServerMaxWindowBits"] = "12",
            ["Velithon:SlowConsumerPolicy"] = "CloseTryAgainLater",
            ["Velithon:MaxPendingRequests"] = "8",
            ["Velithon:RequestTimeout"] = "00:00:05",
        }));

        var options = server.Services.GetRequiredService<IOptions<VelithonOptions>>().Value;
        Assert.Equal(1, options.MaxConnections);
        Assert.Equal(TimeSpan.FromSeconds(10), options.KeepAliveInterval);
        Assert.Equal(["https://app.example"], options.AllowedOrigins);
        Assert.Equal((5, 5, TimeSpan.FromSeconds(1)), (options.MessageRateLimit!.TokenLimit, options.MessageRateLimit.TokensPerPeriod, options.MessageRateLimit.ReplenishmentPeriod));
        Assert.Equal(12, options.Compression.ServerMaxWindowBits);
        Assert.Equal(SlowConsumerPolicy.CloseTryAgainLater, options.SlowConsumerPolicy);
        Assert.Equal((8, TimeSpan.FromSeconds(5)), (options.MaxPendingRequests, options.RequestTimeout));

        // MaxConnections = 1 from configuration: the second handshake is refused.
        using var first = await Client.ConnectAsync(server.Url("/echo"));
        var (status, _) = await Client.HandshakeAsync(new Uri(server.HttpBase, "/echo"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
    }

    [Fact]
    public async Task CodeSetOptions_WinOverConfiguration_OtherKeysStillBind()
    {
        await using var server = await TestServer.StartAsync(
            configure: options => options.IdleTimeout = TimeSpan.FromMinutes(3),
            configureBuilder: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Velithon:MaxMessageSize"] = "1000",
                ["Velithon:IdleTimeout"] = "00:00:01",
                ["Velithon:BroadcastQueueLimit"] = "7",
            }));

        var options = server.Services.GetRequiredService<IOptions<VelithonOptions>>().Value;
        Assert.Equal(TestServer.MaxMessageSize, options.MaxMessageSize);
        Assert.Equal(TimeSpan.FromMinutes(3), options.IdleTimeout);
        Assert.Equal(7, options.BroadcastQueueLimit);
    }

    [Fact]
    public async Task InvalidConfiguredValue_FailsValidationAtStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(
            testLimits: false,
            configureBuilder: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Velithon:MaxMessageSize"] = "0" })));
        Assert.Equal("MaxMessageSize must be a positive number of bytes (it is 0)", error.Message);
    }

    [Fact]
    public async Task PresenceOptions_BindFromConfiguration_AndATimeoutNotLongerThanTheHeartbeatFailsTheStart()
    {
        await using (var server = await TestServer.StartAsync(configureBuilder: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Velithon:Presence:HeartbeatInterval"] = "00:00:05",
            ["Velithon:Presence:Timeout"] = "00:00:20",
        })))
        {
            var presence = server.Services.GetRequiredService<IOptions<VelithonOptions>>().Value.Presence;
            Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20)), (presence.HeartbeatInterval, presence.Timeout));
        }

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(
            configureBuilder: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Velithon:Presence:Timeout"] = "00:00:10" })));
        Assert.Equal("Presence.HeartbeatInterval must be positive and shorter than Presence.Timeout (they are 00:00:10 and 00:00:10)", error.Message);
    }

    [Fact]
    public async Task UnparsableValue_FailsAtStart_NamingItsKey()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartAsync(
            configureBuilder: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Velithon:CloseTimeout"] = "soon" })));
        Assert.Equal("Failed to convert configuration value 'soon' at 'Velithon:CloseTimeout' to type 'System.TimeSpan'.", error.Message);
    }

    [Fact]
    public async Task KeyThatMatchesNoOption_FailsTheStart_NamingIt()
    {
        // A typo must not leave the default in force without a word.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartAsync(
            configureBuilder: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Velithon:MaxMesageSize"] = "10" })));
        Assert.Contains("'MaxMesageSize'", error.Message);
    }

    [Fact]
    public async Task AllowedOriginsAsOneValue_FailsTheStart_SayingHowToListThem()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartAsync(
            configureBuilder: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Velithon:AllowedOrigins"] = "https://a.example" })));
        Assert.Equal(
            "Configuration value 'https://a.example' at 'Velithon:AllowedOrigins' is a single value, but AllowedOrigins is a list: give each entry its own index ('Velithon:AllowedOrigins:0', 'Velithon:AllowedOrigins:1', ...; in the environment Velithon__AllowedOrigins__0=...).",
            error.Message);
    }

    [Fact]
    public async Task AllowedOriginsAsAList_AreBound()
    {
        await using var server = await TestServer.StartAsync(
            configureBuilder: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Velithon:AllowedOrigins:0"] = "https://a.example",
                ["Velithon:AllowedOrigins:1"] = "https://b.example",
            }));
        Assert.Equal(["https://a.example", "https://b.example"], server.Services.GetRequiredService<IOptions<VelithonOptions>>().Value.AllowedOrigins);
    }
}

/// <summary>Sets a process environment variable, so it runs alone, after the tests that run in parallel.</summary>
[CollectionDefinition(nameof(EnvironmentVariableCollection), DisableParallelization = true)]
public sealed class EnvironmentVariableCollection;

[Collection(nameof(EnvironmentVariableCollection))]
public sealed class EnvironmentConfigurationTests
{
    [Fact]
    public async Task EnvironmentVariable_VelithonMaxMessageSize_TakesEffect()
    {
        Environment.SetEnvironmentVariable("Velithon__MaxMessageSize", "1000");
        try
        {
            await using var server = await TestServer.StartAsync(testLimits: false);
            Assert.Equal(1000, server.Services.GetRequiredService<IOptions<VelithonOptions>>().Value.MaxMessageSize);

            using var client = await Client.ConnectAsync(server.Url("/echo"));
            await client.SendAsync(new byte[1001], WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).WaitAsync(Client.Timeout);
            var (status, _) = await client.ReceiveCloseAsync();
            Assert.Equal(WebSocketCloseStatus.MessageTooBig, status);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Velithon__MaxMessageSize", null);
        }
    }
}
