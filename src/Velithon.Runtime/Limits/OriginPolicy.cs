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
/// same-origin default alike. What an origin is, for the lists and the header alike, is <see cref="OriginSyntax"/>'s
/// one rule, with which the build checks <c>[AllowedOrigins]</c> too (VLT0030).
/// </remarks>
internal sealed class OriginPolicy
{
    private readonly HashSet<string> _allowed;
    private readonly bool _allowAny;

    /// <summary>The policy that admits <paramref name="allowedOrigins"/> (each <c>*</c> or an origin, by <see cref="OriginSyntax"/>); none: the same origin only.</summary>
    /// <param name="allowedOrigins">The entries.</param>
    /// <param name="listName">Names the list in the exception for an entry that is not an origin, such as <c>AllowedOrigins</c>.</param>
    /// <exception cref="InvalidOperationException">An entry is not an origin: an allow-list must never lose an entry quietly.</exception>
    public OriginPolicy(IEnumerable<string> allowedOrigins, string listName)
    {
        _allowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var origin in allowedOrigins)
        {
            if (origin == "*")
            {
                _allowAny = true;
            }
            else if (OriginSyntax.Parse(origin, out var parsed) is { } problem)
            {
                throw new InvalidOperationException(NotAnOrigin(listName, origin, problem));
            }
            else
            {
                _allowed.Add(parsed.Value);
            }
        }
    }

    /// <summary>The message for <paramref name="listName"/>'s entry <paramref name="origin"/>, which is not an origin because of <paramref name="problem"/>.</summary>
    public static string NotAnOrigin(string listName, string? origin, string problem) =>
        $"{listName} holds {(origin is null ? "null" : "'" + origin + "'")}, which is not an origin ({problem}): write {OriginSyntax.Expected}, or * for any origin";

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

        // An Origin that is not an origin by the same rule as the list (the opaque "null" of a sandboxed page or a
        // file) matches nothing. A browser's is already serialized, so parsing it copies nothing.
        if (!OriginSyntax.TryParse(origin, out var parsed))
        {
            return false;
        }

        if (_allowed.Count > 0)
        {
            return _allowed.Contains(parsed.Value);
        }

        // Same origin: the page was served by this host and port (as the client addressed it). The scheme is not
        // compared: TLS often ends at a proxy in front of the server, which then sees http for an https page.
        // The host part of the Host header is compared in place (HostString.Host would copy it).
        var host = request.Host;
        if (!host.HasValue)
        {
            return false;
        }

        string value = host.Value!;
        int hostLength = value[0] == '[' ? value.IndexOf(']', StringComparison.Ordinal) + 1 : value.IndexOf(':', StringComparison.Ordinal);
        if (hostLength <= 0)
        {
            hostLength = value.Length;
        }

        return parsed.HostEquals(value, 0, hostLength) && parsed.Port == (host.Port ?? parsed.DefaultPort);
    }
}
