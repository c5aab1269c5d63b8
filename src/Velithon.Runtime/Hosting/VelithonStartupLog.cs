using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Velithon.Connections;
using Velithon.Routing;

namespace Velithon.Hosting;

/// <summary>
/// Once the host has started (the pipeline, and so the endpoint table, is built), logs each Velithon route at
/// Information, one line each as Kestrel logs its addresses; or warns when none is mapped, the usual sign of a
/// forgotten <c>app.MapVelithon()</c>, which otherwise shows only as 404s.
/// </summary>
internal sealed class VelithonStartupLog(IServiceProvider services, ILoggerFactory loggerFactory) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(VelithonRuntime.LoggerCategory);

        // Listing the routes builds every endpoint of the app; with neither line logged there is nothing to build
        // them for here (the first request builds them as it would without Velithon). Both levels are asked: a
        // filter function may let Information through and not Warning, so one does not imply the other.
        if (!logger.IsEnabled(LogLevel.Information) && !logger.IsEnabled(LogLevel.Warning))
        {
            return Task.CompletedTask;
        }

        // Routing registers the composite of every data source the app's UseEndpoints (or WebApplication) added.
        bool any = false;
        if (services.GetService<EndpointDataSource>() is { } dataSource)
        {
            foreach (var endpoint in dataSource.Endpoints)
            {
                if (endpoint.Metadata.GetMetadata<WebSocketRouteMetadata>() is not { } route)
                {
                    continue;
                }

                any = true;
                string pattern = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? route.Template;
                Log.RouteMapped(logger, pattern, route.HandlerName);
            }
        }

        if (!any)
        {
            Log.NoRoutesMapped(logger);
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
