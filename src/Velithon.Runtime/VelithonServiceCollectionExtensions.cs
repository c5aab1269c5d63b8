using System;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Velithon;
using Velithon.Hosting;
using Velithon.Routing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Velithon runtime.</summary>
public static class VelithonServiceCollectionExtensions
{
    /// <summary>
    /// Adds the services the generated <c>MapVelithon()</c> routes need: the WebSocket middleware, the
    /// routing policy that lets a WebSocket route and an HTTP route share a path, and the options,
    /// validated when the host starts.
    /// </summary>
    public static IServiceCollection AddVelithon(this IServiceCollection services, Action<VelithonOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<VelithonOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddRouting();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VelithonOptions>, VelithonOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, VelithonStartupFilter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, WebSocketRouteMatcherPolicy>());
        services.TryAddSingleton<ConnectionTracker>();
        services.TryAddSingleton<VelithonRuntime>();
        return services;
    }
}
