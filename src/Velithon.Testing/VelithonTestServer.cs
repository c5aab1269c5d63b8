using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Velithon.Routing;

namespace Velithon.Testing;

/// <summary>
/// An application on an in-memory <see cref="TestServer"/>, for tests that do not start the real program:
/// configure services, map the routes, connect with <see cref="Client"/>.
/// </summary>
public sealed class VelithonTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private VelithonTestServer(WebApplication app)
    {
        _app = app;
        Server = app.GetTestServer();
        Client = new VelithonTestClient(Server);
    }

    /// <summary>The in-memory server.</summary>
    public TestServer Server { get; }

    /// <summary>A client for the server's WebSocket routes.</summary>
    public VelithonTestClient Client { get; }

    /// <summary>The application's services, for example the <see cref="IWebSocketHub"/>.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The clock of the application's deadlines: the one given to <c>StartAsync</c>, else <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider => _app.Services.GetRequiredService<TimeProvider>();

    /// <summary>
    /// Builds and starts an application: <see cref="VelithonServiceCollectionExtensions.AddVelithon(IServiceCollection, Action{VelithonOptions}?)"/>
    /// is called for you (before <paramref name="configureServices"/>, which may configure the options again), then
    /// <paramref name="configureApp"/> maps the routes, typically with <c>app =&gt; app.MapVelithon()</c>.
    /// </summary>
    /// <param name="configureApp">Maps routes and adds middleware.</param>
    /// <param name="configureServices">Registers the services the handlers need.</param>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="configureApp"/> mapped no WebSocket route (for example a <c>MapVelithon()</c> with no
    /// handlers to map), or a handler's required service is not registered; the message says what to do.
    /// </exception>
#pragma warning disable RS0027 // The overload on a clock differs in its first parameter's type: no call binds to the other one.
    public static Task<VelithonTestServer> StartAsync(
        Action<WebApplication> configureApp,
        Action<WebApplicationBuilder>? configureServices = null) =>
        StartAsync(TimeProvider.System, configureApp, configureServices);
#pragma warning restore RS0027

    /// <summary>
    /// Builds and starts an application whose deadlines run on <paramref name="timeProvider"/>, typically a
    /// <see cref="TestClock"/>: keep-alive pings and their timeout, the idle timeout, the send timeout, the close
    /// handshake's timeout and contract request timeouts then pass when the test advances the clock, not in wall time.
    /// The test client's side uses the same clock (<see cref="VelithonTestClient.TimeProvider"/>); its safety
    /// <see cref="VelithonTestClient.Timeout"/> stays on wall time.
    /// </summary>
    /// <param name="timeProvider">The application's <see cref="TimeProvider"/>, registered before <paramref name="configureServices"/> runs.</param>
    /// <param name="configureApp">Maps routes and adds middleware.</param>
    /// <param name="configureServices">Registers the services the handlers need; null for none.</param>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="configureApp"/> mapped no WebSocket route, or a handler's required service is not registered.
    /// </exception>
    public static async Task<VelithonTestServer> StartAsync(
        TimeProvider timeProvider,
        Action<WebApplication> configureApp,
        Action<WebApplicationBuilder>? configureServices)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(configureApp);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();

        // Before AddVelithon, whose TryAdd of TimeProvider.System then leaves it.
        builder.Services.AddSingleton(timeProvider);
        builder.Services.AddVelithon();
        configureServices?.Invoke(builder);

        var app = builder.Build();
        configureApp(app);
        await app.StartAsync().ConfigureAwait(false);

        // A server without WebSocket routes answers every connect with 404 and says nothing else: the usual
        // cause is a MapVelithon() that maps the test project's own (absent) handlers. Fail here, loudly.
        if (!MapsWebSocketRoutes(app))
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(NoRoutesMessage);
        }

        return new VelithonTestServer(app);
    }

    internal const string NoRoutesMessage =
        "The test server maps no WebSocket routes, so every connect would get 404. configureApp must map them: "
        + "app => app.MapVelithon() maps the [WebSocket] handlers of the test project and of every project it references, "
        + "so add a ProjectReference to the project that declares the handlers (it must build with the Velithon package), "
        + "or declare the handlers in the test project.";

    private static bool MapsWebSocketRoutes(WebApplication app)
    {
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints)
        {
            if (endpoint.Metadata.GetMetadata<WebSocketRouteMetadata>() is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Stops the application; connections still open are closed with 1001, as on a real shutdown.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
