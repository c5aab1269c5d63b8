using System;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Velithon;
using Velithon.Connections;
using Velithon.Groups;
using Velithon.Hosting;
using Velithon.Json;
using Velithon.Limits;
using Velithon.Metrics;
using Velithon.Routing;
using Velithon.Scaling;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Velithon runtime.</summary>
public static class VelithonServiceCollectionExtensions
{
    /// <summary>
    /// Adds the services the generated <c>MapVelithon()</c> routes need: the
    /// routing policy that lets a WebSocket route and an HTTP route share a path, the connection hub
    /// (<see cref="IWebSocketHub"/>), the <c>Velithon</c> meter, and the options, validated when the host starts.
    /// </summary>
    /// <remarks>
    /// Nothing is added to the application's pipeline: each Velithon route handles its own handshakes, and every
    /// other request sees the pipeline the application built, its own <c>UseWebSockets(options)</c> included.
    /// The options are bound from the <c>Velithon</c> configuration section first (a value that does not parse
    /// fails at start), then <paramref name="configure"/> runs, so a value set in code wins over configuration.
    /// </remarks>
    /// <returns>A builder to add a backplane to, such as Redis.</returns>
    public static IVelithonBuilder AddVelithon(this IServiceCollection services, Action<VelithonOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<VelithonOptions>().ValidateOnStart();

        // Every service below is registered with a factory that calls its constructor, and the options' monitor,
        // factory and cache under their closed types. Given a type alone the container finds the constructor by
        // reflection, and through AddOptions' open generics (OptionsMonitor<>, ...) it makes the closed types at run
        // time, on Native AOT with the type loader: both cost every start time and allocations (docs/benchmarks.md,
        // "Start to first echo: where the time goes").
        services.TryAddSingleton<IOptionsMonitor<VelithonOptions>>(static provider => new OptionsMonitor<VelithonOptions>(
            provider.GetRequiredService<IOptionsFactory<VelithonOptions>>(),
            provider.GetServices<IOptionsChangeTokenSource<VelithonOptions>>(),
            provider.GetRequiredService<IOptionsMonitorCache<VelithonOptions>>()));
        services.TryAddTransient<IOptionsFactory<VelithonOptions>>(static provider => new OptionsFactory<VelithonOptions>(
            provider.GetServices<IConfigureOptions<VelithonOptions>>(),
            provider.GetServices<IPostConfigureOptions<VelithonOptions>>(),
            provider.GetServices<IValidateOptions<VelithonOptions>>()));
        services.TryAddSingleton<IOptionsMonitorCache<VelithonOptions>>(static _ => new OptionsCache<VelithonOptions>());

        // Before the delegate below: configuration first, then code. TryAdd keeps a second AddVelithon from
        // binding again after the first one's delegate.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<VelithonOptions>, VelithonConfigurationSetup>(
            static provider => new VelithonConfigurationSetup(provider)));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // The core of routing only, as CreateSlimBuilder registers it: AddRouting adds the regex route constraint,
        // which compiles System.Text.RegularExpressions into every Native AOT application. Velithon's templates never
        // produce one; an application that uses it registers it (AddRouting, or RouteOptions.SetParameterPolicy).
        services.AddRoutingCore();
        services.AddMetrics();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VelithonOptions>, VelithonOptionsValidator>(
            static _ => new VelithonOptionsValidator()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, WebSocketRouteMatcherPolicy>(
            static _ => new WebSocketRouteMatcherPolicy()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ConnectionMonitor>(
            static provider => new ConnectionMonitor(provider.GetRequiredService<VelithonRuntime>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, VelithonStartupLog>(
            static provider => new VelithonStartupLog(provider, provider.GetRequiredService<ILoggerFactory>())));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static provider => new ApplicationJson(provider));
        services.TryAddSingleton(static provider => new VelithonMetrics(provider.GetRequiredService<IMeterFactory>()));
        services.TryAddSingleton(static provider => new WebSocketHub(
            provider.GetRequiredService<VelithonMetrics>(),
            provider.GetRequiredService<ILoggerFactory>(),
            provider.GetRequiredService<IHostApplicationLifetime>(),
            provider.GetServices<WebSocketBackplane>(),
            provider.GetRequiredService<ApplicationJson>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptionsMonitor<VelithonOptions>>()));
        services.TryAddSingleton(static _ => new Velithon.AsyncApi.AsyncApiDocumentStore());
        services.TryAddSingleton<IWebSocketHub>(static provider => provider.GetRequiredService<WebSocketHub>());
        services.TryAddSingleton<IWebSocketPresence>(static provider => provider.GetRequiredService<WebSocketHub>().Presence);
        services.TryAddSingleton(static provider => new VelithonRuntime(
            provider.GetRequiredService<IOptionsMonitor<VelithonOptions>>(),
            provider.GetRequiredService<ILoggerFactory>(),
            provider.GetRequiredService<WebSocketHub>(),
            provider.GetRequiredService<VelithonMetrics>(),
            provider.GetRequiredService<ApplicationJson>(),
            provider.GetRequiredService<TimeProvider>(),
            provider));
        return new VelithonBuilder(services);
    }

    private sealed class VelithonBuilder(IServiceCollection services) : IVelithonBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
