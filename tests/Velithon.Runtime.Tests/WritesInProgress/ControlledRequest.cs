using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Velithon.Runtime.Tests.WritesInProgress;

/// <summary>
/// The HttpContext of a WebSocket handshake over a transport the test controls: Kestrel's HTTP/1.1 upgrade, whose
/// frames the runtime writes straight into the connection's pipes, or a stream (HTTP/2, an in-memory transport, a
/// middleware's upgrade feature).
/// </summary>
public static class ControlledRequest
{
    /// <summary>A handshake on Kestrel over HTTP/1.1: one object serves the request and the upgrade, and the connection's pipes are <paramref name="transport"/>.</summary>
    public static DefaultHttpContext OverPipe(HeldTransport transport, RequestLifetime lifetime, string? subProtocols = null)
    {
        var context = new DefaultHttpContext();
        var request = new KestrelRequestFeature(new MemoryStream());
        context.Features.Set<IHttpRequestFeature>(request);
        context.Features.Set<IHttpUpgradeFeature>(request);
        context.Features.Set<IConnectionTransportFeature>(new TransportFeature(transport));
        lifetime.AbortTransport ??= transport.Output.Abort;
        return Handshake(context, lifetime, extensions: null, subProtocols);
    }

    /// <summary>A handshake whose frames go through <paramref name="stream"/>.</summary>
    public static DefaultHttpContext OverStream(HeldWriteStream stream, RequestLifetime lifetime, string? extensions = null)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpUpgradeFeature>(new StreamUpgradeFeature(stream));
        return Handshake(context, lifetime, extensions, subProtocols: null);
    }

    private static DefaultHttpContext Handshake(DefaultHttpContext context, RequestLifetime lifetime, string? extensions, string? subProtocols)
    {
        context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
        context.Request.Method = "GET";
        context.Request.Headers.Connection = "Upgrade";
        context.Request.Headers.Upgrade = "websocket";
        context.Request.Headers.SecWebSocketVersion = "13";
        context.Request.Headers.SecWebSocketKey = "dGhlIHNhbXBsZSBub25jZQ==";
        if (extensions is not null)
        {
            context.Request.Headers.SecWebSocketExtensions = extensions;
        }

        if (subProtocols is not null)
        {
            context.Request.Headers.SecWebSocketProtocol = subProtocols;
        }

        return context;
    }

    /// <summary>Kestrel's HTTP/1.1 request: the request feature and the upgrade feature are one object.</summary>
    private sealed class KestrelRequestFeature(Stream upgraded) : HttpRequestFeature, IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => true;

        public Task<Stream> UpgradeAsync() => Task.FromResult(upgraded);
    }

    private sealed class StreamUpgradeFeature(Stream stream) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => true;

        public Task<Stream> UpgradeAsync() => Task.FromResult(stream);
    }

    private sealed class TransportFeature(IDuplexPipe transport) : IConnectionTransportFeature
    {
        public IDuplexPipe Transport { get; set; } = transport;
    }
}
