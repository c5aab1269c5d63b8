using System;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Velithon.Connections;

namespace Velithon.Protocol;

/// <summary>
/// Completes an opening handshake (RFC 6455 section 4.2.2, RFC 8441 for HTTP/2) that ASP.NET Core's WebSocket
/// handshake validation has already checked, for a connection served by <see cref="FrameWebSocket"/>.
/// </summary>
internal static class WebSocketHandshake
{
    private static ReadOnlySpan<byte> KeySuffix => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

    /// <summary>
    /// Whether the request asks for a WebSocket, before any middleware of Velithon's has seen it (routing asks, to
    /// choose between a WebSocket route and an HTTP route on one path): an HTTP/1.1 GET with <c>Upgrade: websocket</c>
    /// that the server can upgrade (RFC 6455 section 4.1), an HTTP/2 extended CONNECT for the <c>websocket</c>
    /// protocol (RFC 8441 section 4), or a request a WebSocket feature already calls one (the in-memory test server,
    /// or the application's own <c>UseWebSockets()</c>). Whether the handshake is valid is checked later, by the route.
    /// </summary>
    public static bool IsHandshakeRequest(HttpContext context)
    {
        if (context.Features.Get<IHttpWebSocketFeature>() is { IsWebSocketRequest: true })
        {
            return true;
        }

        if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            return string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase);
        }

        if (context.Features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true } || !HttpMethods.IsGet(context.Request.Method))
        {
            return false;
        }

        foreach (string? protocol in context.Request.Headers.Upgrade)
        {
            if (protocol is not null && protocol.Contains("websocket", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Wraps the request's upgrade feature (HTTP/1.1) or extended CONNECT feature (HTTP/2) so the runtime sees the
    /// stream the handshake hands out (<see cref="TransportStream"/>). Called by a Velithon route's request delegate
    /// alone: requests to the application's other endpoints keep the features the server gave them.
    /// </summary>
    /// <returns>Whether a transport feature was wrapped (false on the in-memory test server, which has neither).</returns>
    public static bool ObserveTransport(HttpContext context)
    {
        var features = context.Features;
        if (features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
        {
            if (upgrade is not ObservedUpgradeFeature)
            {
                features.Set<IHttpUpgradeFeature>(new ObservedUpgradeFeature(upgrade));
            }

            return true;
        }

        if (features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            if (connect is not ObservedExtendedConnectFeature)
            {
                features.Set<IHttpExtendedConnectFeature>(new ObservedExtendedConnectFeature(connect));
            }

            return true;
        }

        return false;
    }

    /// <summary>
    /// Whether the runtime can serve this request with <see cref="FrameWebSocket"/>: it sees the upgraded stream
    /// (a Kestrel or other server connection, not the in-memory test server), and no extension will be negotiated.
    /// </summary>
    public static bool CanServe(HttpContext context, bool compressionEnabled) =>
        SeesTransport(context) && !(compressionEnabled && OffersPerMessageDeflate(context.Request.Headers.SecWebSocketExtensions));

    /// <summary>Whether the upgraded stream will pass through the runtime's <see cref="TransportStream"/> (not so on the in-memory test server).</summary>
    public static bool SeesTransport(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is ObservedUpgradeFeature { IsUpgradableRequest: true }
        || context.Features.Get<IHttpExtendedConnectFeature>() is ObservedExtendedConnectFeature { IsExtendedConnect: true };

    /// <summary>Writes the response headers, switches protocols and returns the socket over the upgraded stream.</summary>
    public static async Task<FrameWebSocket> AcceptAsync(HttpContext context, string? subProtocol)
    {
        var headers = context.Response.Headers;
        if (subProtocol is not null)
        {
            headers.SecWebSocketProtocol = subProtocol;
        }

        TransportStream stream;
        if (context.Features.Get<IHttpUpgradeFeature>() is ObservedUpgradeFeature { IsUpgradableRequest: true } upgrade)
        {
            headers.Connection = "Upgrade";
            headers.Upgrade = "websocket";
            headers.SecWebSocketAccept = ComputeAcceptKey(context.Request.Headers.SecWebSocketKey.ToString());
            await upgrade.UpgradeAsync().ConfigureAwait(false);
            stream = upgrade.Stream!;
        }
        else
        {
            var connect = (ObservedExtendedConnectFeature)context.Features.Get<IHttpExtendedConnectFeature>()!;
            await connect.AcceptAsync().ConfigureAwait(false);
            stream = connect.Stream!;
        }

        // A WebSocket lives as long as it likes: a request timeout must not end it.
        context.Features.Get<IHttpRequestTimeoutFeature>()?.DisableTimeout();
        return new FrameWebSocket(stream, subProtocol);
    }

    /// <summary>Sec-WebSocket-Accept: the base64 SHA-1 of the client's key followed by the protocol's GUID.</summary>
    [SuppressMessage("Security", "CA5350:Do not use weak cryptographic algorithms", Justification = "RFC 6455 section 4.2.2 fixes SHA-1 for this proof of receipt; it protects nothing.")]
    public static string ComputeAcceptKey(string key)
    {
        Span<byte> input = stackalloc byte[64 + KeySuffix.Length];
        int keyLength = Encoding.ASCII.GetBytes(key.AsSpan(0, Math.Min(key.Length, 64)), input);
        KeySuffix.CopyTo(input.Slice(keyLength));
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input.Slice(0, keyLength + KeySuffix.Length), hash);
        return Convert.ToBase64String(hash);
    }

    private static bool OffersPerMessageDeflate(Microsoft.Extensions.Primitives.StringValues extensions)
    {
        foreach (string? extension in extensions)
        {
            if (extension is not null && extension.Contains("permessage-deflate", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
