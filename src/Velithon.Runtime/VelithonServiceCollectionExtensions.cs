using System;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Velithon;
using Velithon.Connections;
using Velithon.Groups;
using Velithon.Hosting;
using Velithon.Json;
using Velithon.Limits;
using Velithon.Metrics;
using Velithon.Routing;

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

        // Before the delegate below: configuration first, then code. TryAdd keeps a second AddVelithon from
        // binding again after the first one's delegate.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<VelithonOptions>, VelithonConfigurationSetup>());
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddRouting();
        services.AddMetrics();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VelithonOptions>, VelithonOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, WebSocketRouteMatcherPolicy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ConnectionMonitor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, VelithonStartupLog>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApplicationJson>();
        services.TryAddSingleton<VelithonMetrics>();
        services.TryAddSingleton<WebSocketHub>();
        services.TryAddSingleton<Velithon.AsyncApi.AsyncApiDocumentStore>();
        services.TryAddSingleton<IWebSocketHub>(static provider => provider.GetRequiredService<WebSocketHub>());
        services.TryAddSingleton<IWebSocketPresence>(static provider => provider.GetRequiredService<WebSocketHub>().Presence);
        services.TryAddSingleton<VelithonRuntime>();
        return new VelithonBuilder(services);
    }

    private sealed class VelithonBuilder(IServiceCollection services) : IVelithonBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
