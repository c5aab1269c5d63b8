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
internal sealed class OriginPolicy
{
    private readonly HashSet<string> _allowed;
    private readonly bool _allowAny;

    public OriginPolicy(IEnumerable<string> allowedOrigins)
    {
        _allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var origin in allowedOrigins)
        {
            if (origin == "*")
            {
                _allowAny = true;
            }
            else
            {
                _allowed.Add(origin.TrimEnd('/'));
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

        if (_allowed.Count > 0)
        {
            return _allowed.Contains(origin.TrimEnd('/'));
        }

        // Same origin: the page was served by this host (as the client addressed it).
        return Uri.TryCreate(origin, UriKind.Absolute, out var originUri)
            && string.Equals(originUri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
