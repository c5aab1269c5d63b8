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
/// middleware has already validated, for a connection served by <see cref="FrameWebSocket"/>.
/// </summary>
internal static class WebSocketHandshake
{
    private static ReadOnlySpan<byte> KeySuffix => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

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
