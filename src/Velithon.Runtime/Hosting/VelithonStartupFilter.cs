using System;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace Velithon.Hosting;

/// <summary>
/// Puts ASP.NET Core's WebSocket middleware in front of the application's pipeline, and so in front of
/// routing: the matcher policy needs to know whether a request is a WebSocket handshake, and the
/// application should not have to remember <c>app.UseWebSockets()</c>.
/// </summary>
internal sealed class VelithonStartupFilter(IOptions<VelithonOptions> options) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.Value.KeepAliveInterval });
        next(app);
    };
}
