using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Primitives;

namespace Velithon.Protocol;

/// <summary>
/// The server's side of the opening handshake: RFC 6455 section 4.2 over HTTP/1.1, RFC 8441 over HTTP/2. It checks
/// the client's handshake, completes it, and hands out the stream the connection's frames travel on.
/// </summary>
internal static class WebSocketHandshake
{
    /// <summary>The one version of the protocol RFC 6455 defines, and the only one this server speaks.</summary>
    public const string SupportedVersion = "13";

    private static ReadOnlySpan<byte> KeySuffix => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

    /// <summary>
    /// Whether the request asks for a WebSocket (routing asks, to choose between a WebSocket route and an HTTP route
    /// on one path): an HTTP/1.1 GET with <c>Upgrade: websocket</c> (RFC 6455 section 4.1), an HTTP/2 extended
    /// CONNECT for the <c>websocket</c> protocol (RFC 8441 section 4), or a request a WebSocket feature already calls
    /// one (the application's own <c>UseWebSockets()</c>). Whether the handshake is valid is checked later, by the route.
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

        return HttpMethods.IsGet(context.Request.Method) && HasToken(context.Request.Headers.Upgrade, "websocket");
    }

    /// <summary>
    /// Checks the client's handshake (RFC 6455 section 4.2.1, RFC 8441 section 5); null when it can be completed, else
    /// the refusal: 426 for a request that is no WebSocket handshake or asks for another version (naming version 13,
    /// section 4.4), 400 for a handshake with a header missing or malformed, 501 when the server cannot hand the
    /// connection's stream over.
    /// </summary>
    public static HandshakeRefusal? Check(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers;
        bool http2 = context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true };
        if (http2
            ? !string.Equals(context.Features.Get<IHttpExtendedConnectFeature>()!.Protocol, "websocket", StringComparison.OrdinalIgnoreCase)
            : !HttpMethods.IsGet(request.Method) || !HasToken(headers.Upgrade, "websocket"))
        {
            return context.Features.Get<IHttpWebSocketFeature>() is { IsWebSocketRequest: true }
                ? CannotUpgrade()
                : HandshakeRefusal.NotWebSocket(request.Method);
        }

        var version = headers.SecWebSocketVersion;
        if (version.Count != 1 || version.ToString() != SupportedVersion)
        {
            return HandshakeRefusal.OtherVersion(version.ToString());
        }

        if (!http2)
        {
            if (!HasToken(headers.Connection, "upgrade"))
            {
                return HandshakeRefusal.Malformed("the Connection header does not name Upgrade (RFC 6455 section 4.2.1, item 4)");
            }

            if (!IsValidKey(headers.SecWebSocketKey))
            {
                return HandshakeRefusal.Malformed("Sec-WebSocket-Key is not the base64 of 16 bytes (RFC 6455 section 4.2.1, item 5)");
            }

            if (context.Features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true })
            {
                return CannotUpgrade();
            }
        }

        return null;

        static HandshakeRefusal CannotUpgrade() => new(StatusCodes.Status501NotImplemented, Metrics.RejectionReasons.NotUpgradable,
            "This server cannot hand the connection's stream to Velithon. On an in-memory TestServer, connect with Velithon.Testing's VelithonTestClient.",
            "the server offers no upgradable stream for this request (an in-memory TestServer's own WebSocket client?)");
    }

    /// <summary>The subprotocols the client offers (Sec-WebSocket-Protocol, RFC 6455 section 4.1), in its order of preference.</summary>
    public static string[] RequestedSubProtocols(HttpRequest request)
    {
        var values = request.Headers.SecWebSocketProtocol;
        if (values.Count == 0)
        {
            return [];
        }

        var protocols = new List<string>();
        foreach (string? value in values)
        {
            foreach (var part in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                protocols.Add(part);
            }
        }

        return [.. protocols];
    }

    /// <summary>
    /// Writes the response headers and switches protocols (101 over HTTP/1.1, 200 over HTTP/2), and returns the stream
    /// the connection's frames travel on.
    /// </summary>
    /// <param name="context">The handshake's request, checked by <see cref="Check"/>.</param>
    /// <param name="subProtocol">The subprotocol chosen, or null.</param>
    /// <param name="extensions">The Sec-WebSocket-Extensions response value (RFC 6455 section 9.1), or null for none.</param>
    public static async Task<Stream> AcceptAsync(HttpContext context, string? subProtocol, string? extensions)
    {
        var headers = context.Response.Headers;
        if (subProtocol is not null)
        {
            headers.SecWebSocketProtocol = subProtocol;
        }

        if (extensions is not null)
        {
            headers.SecWebSocketExtensions = extensions;
        }

        Stream stream;
        if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            stream = await connect.AcceptAsync().ConfigureAwait(false);
        }
        else
        {
            headers.Connection = "Upgrade";
            headers.Upgrade = "websocket";
            headers.SecWebSocketAccept = ComputeAcceptKey(context.Request.Headers.SecWebSocketKey.ToString());
            stream = await context.Features.GetRequiredFeature<IHttpUpgradeFeature>().UpgradeAsync().ConfigureAwait(false);
        }

        // A WebSocket lives as long as it likes: a request timeout must not end it.
        context.Features.Get<IHttpRequestTimeoutFeature>()?.DisableTimeout();
        return stream;
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

    /// <summary>A key is the base64 of 16 random bytes: 24 characters (RFC 6455 section 4.1, item 7).</summary>
    private static bool IsValidKey(StringValues key)
    {
        if (key.Count != 1 || key[0] is not { Length: 24 } value)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[18];
        return Convert.TryFromBase64String(value, decoded, out int written) && written == 16;
    }

    /// <summary>Whether a comma-separated header holds <paramref name="token"/>, case-insensitively (RFC 9110 section 5.6.1).</summary>
    private static bool HasToken(StringValues values, string token)
    {
        foreach (string? value in values)
        {
            if (value is null)
            {
                continue;
            }

            // Over spans: a handshake's headers are split and compared without a string per element.
            var span = value.AsSpan();
            foreach (var range in span.Split(','))
            {
                if (span[range].Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
