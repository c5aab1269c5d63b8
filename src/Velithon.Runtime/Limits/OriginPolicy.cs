using System;
using System.Collections.Generic;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Velithon.Limits;

/// <summary>
/// Decides whether a handshake's <c>Origin</c> may connect. Browsers send the page's origin with every
/// WebSocket handshake and, unlike for fetches, apply no same-origin policy to the connection: the server
/// must refuse other origins itself, or any site a user visits can act on the user's cookies
/// (cross-site WebSocket hijacking; RFC 6455 section 10.2).
/// </summary>
/// <remarks>
/// Origins are compared as RFC 6454 section 6.2 serializes them: scheme and host in lower case, the port only
/// when it is not the scheme's default. So <c>https://app.example:443</c>, <c>HTTPS://App.Example</c> and
/// <c>https://app.example</c> are one origin, for the <see cref="VelithonOptions.AllowedOrigins"/> list and the
/// same-origin default alike.
/// </remarks>
internal sealed class OriginPolicy
{
    private readonly HashSet<string> _allowed;
    private readonly bool _allowAny;

    public OriginPolicy(IEnumerable<string> allowedOrigins)
    {
        _allowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var origin in allowedOrigins)
        {
            if (origin == "*")
            {
                _allowAny = true;
            }
            else if (TryParse(origin, out var parsed))
            {
                _allowed.Add(parsed.Serialized);
            }
        }
    }

    public bool IsAllowed(HttpRequest request)
    {
        if (_allowAny)
        {
            return true;
        }

        var origin = request.Headers[HeaderNames.Origin].ToString();
        if (origin.Length == 0)
        {
            // Not a browser: nothing to hijack.
            return true;
        }

        // An origin that is not a scheme://host[:port] (the opaque "null" of a sandboxed page or a file) matches nothing.
        if (!TryParse(origin, out var parsed))
        {
            return false;
        }

        if (_allowed.Count > 0)
        {
            return _allowed.Contains(parsed.Serialized);
        }

        // Same origin: the page was served by this host and port (as the client addressed it). The scheme is not
        // compared: TLS often ends at a proxy in front of the server, which then sees http for an https page.
        var host = request.Host;
        return host.HasValue
            && string.Equals(parsed.Host, host.Host, StringComparison.OrdinalIgnoreCase)
            && parsed.Port == (host.Port ?? parsed.DefaultPort);
    }

    /// <summary>Parses <paramref name="origin"/> (scheme://host[:port], an optional trailing '/') into its RFC 6454 serialization.</summary>
    private static bool TryParse(string origin, out (string Serialized, string Host, int Port, int DefaultPort) parsed)
    {
        parsed = default;
        if (!Uri.TryCreate(origin.TrimEnd('/'), UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            return false;
        }

        // Uri gives scheme and host in lower case, and the scheme's default port when none is written.
        int defaultPort = uri.Scheme switch
        {
            "http" or "ws" => 80,
            "https" or "wss" => 443,
            _ => -1,
        };
        string host = uri.Host;
        string serialized = uri.Port == defaultPort || uri.Port < 0
            ? $"{uri.Scheme}://{host}"
            : $"{uri.Scheme}://{host}:{uri.Port}";
        parsed = (serialized, host, uri.Port, defaultPort);
        return true;
    }
}
