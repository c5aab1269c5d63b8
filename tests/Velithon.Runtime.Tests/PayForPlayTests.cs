using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Velithon.Routing;

namespace Velithon.Runtime.Tests;

/// <summary>
/// What an application compiles only when it uses it (docs/benchmarks.md, "What every application carries"):
/// <c>AddVelithon()</c> registers routing's core without the regex route constraint, which would bring
/// System.Text.RegularExpressions into every Native AOT binary, and Data Protection is reached only through
/// <c>EnableResumableSessions</c>, which the generated <c>MapVelithon()</c> calls when a route has
/// <c>[ResumableSession]</c>. A resumable route mapped another way without keys fails the start, naming the fix; one
/// made resumable after mapping (a group's metadata) refuses its handshakes with 500 and one error naming it.
/// </summary>
public sealed class PayForPlayTests
{
    [Fact]
    public void AddVelithon_LeavesTheRegexRouteConstraintOut()
    {
        var services = new ServiceCollection();
        services.AddVelithon();
        using var provider = services.BuildServiceProvider();

        var constraints = provider.GetRequiredService<IOptions<RouteOptions>>().Value.ConstraintMap;

        Assert.NotEqual(typeof(RegexInlineRouteConstraint), constraints["regex"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnApplicationsAddRouting_KeepsTheRegexRouteConstraint(bool routingFirst)
    {
        var services = new ServiceCollection();
        if (routingFirst)
        {
            services.AddRouting();
        }

        services.AddVelithon();
        if (!routingFirst)
        {
            services.AddRouting();
        }

        using var provider = services.BuildServiceProvider();

        Assert.Equal(typeof(RegexInlineRouteConstraint), provider.GetRequiredService<IOptions<RouteOptions>>().Value.ConstraintMap["regex"]);
    }

    [Fact]
    public async Task AResumableRoute_MappedWithoutKeys_FailsTheStartNamingAddDataProtection()
    {
        await using var app = Build(dataProtection: false);

        var error = Assert.Throws<InvalidOperationException>(() => MapResumable(app));

        Assert.Contains("/resumable", error.Message, StringComparison.Ordinal);
        Assert.Contains("Test.Resumable", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddDataProtection()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AResumableRoute_MapsAfterEnableResumableSessions()
    {
        await using var app = Build(dataProtection: false);
        app.EnableResumableSessions();

        MapResumable(app);

        Assert.Single(((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints));
    }

    [Fact]
    public async Task AResumableRoute_MapsWithTheApplicationsDataProtection()
    {
        await using var app = Build(dataProtection: true);

        MapResumable(app);

        Assert.Single(((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints));
    }

    [Fact]
    public async Task ARouteThatIsNotResumable_MapsWithoutKeys()
    {
        await using var app = Build(dataProtection: false);

        app.MapWebSocketRoute("/plain", "/plain", "Test.Plain", static socket => socket.AcceptAsync());

        Assert.Single(((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints));
    }

    [Fact]
    public async Task ARouteMadeResumableAfterMapping_WithoutKeys_RefusesHandshakesWith500_AndLogsOneErrorNamingTheFix()
    {
        var logs = new CapturedLogs();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddVelithon();
        await using var app = builder.Build();
        app.MapWebSocketRoute("/later", "/later", "Test.Later", static socket => socket.AcceptAsync())
            .WithMetadata(new ResumableSessionAttribute());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var url = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/later");

        for (int attempt = 0; attempt < 2; attempt++)
        {
            using var client = new ClientWebSocket();
            client.Options.CollectHttpResponseDetails = true;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(url, timeout.Token));
            Assert.Equal(HttpStatusCode.InternalServerError, client.HttpStatusCode);
        }

        var errors = logs.Messages(LogLevel.Error);
        var error = Assert.Single(errors);
        Assert.Contains("Test.Later", error, StringComparison.Ordinal);
        Assert.Contains("AddDataProtection()", error, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, entry => entry.Exception is not null);
        await app.StopAsync();
    }

    private static WebApplication Build(bool dataProtection)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddVelithon();
        if (dataProtection)
        {
            builder.Services.AddDataProtection();
        }

        return builder.Build();
    }

    private static void MapResumable(WebApplication app) =>
        app.MapWebSocketRoute("/resumable", "/resumable", "Test.Resumable", static socket => socket.AcceptAsync(), [new ResumableSessionAttribute()]);
}
