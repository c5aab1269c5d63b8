using System;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Velithon.Connections;

namespace Velithon.Hosting;

/// <summary>
/// Puts ASP.NET Core's WebSocket middleware in front of the application's pipeline, and so in front of
/// routing: the matcher policy needs to know whether a request is a WebSocket handshake, and the
/// application should not have to remember <c>app.UseWebSockets()</c>. Before it, the handshake's
/// upgrade feature is wrapped so the runtime can see the close frames the transport sends
/// (<see cref="TransportStream"/>); the middleware reads that feature when it runs.
/// </summary>
internal sealed class VelithonStartupFilter(IOptionsMonitor<VelithonOptions> options) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(static (context, nextMiddleware) =>
        {
            if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
            {
                context.Features.Set<IHttpUpgradeFeature>(new ObservedUpgradeFeature(upgrade));
            }
            else if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
            {
                context.Features.Set<IHttpExtendedConnectFeature>(new ObservedExtendedConnectFeature(connect));
            }

            return nextMiddleware(context);
        });
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.CurrentValue.KeepAliveInterval });
        next(app);
    };
}
