using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Velithon.Binding;

/// <summary>
/// Gives a route's parameters their values by one rule: the segment of the request target as the client sent it
/// (<see cref="IHttpRequestFeature.RawTarget"/>), percent-decoded once, its bytes read as UTF-8 (RFC 3986 section
/// 2.5), strictly. Kestrel decodes the path it routes on except <c>%2F</c>, and replaces bytes that are not UTF-8,
/// so routing's own values follow two rules and can hold a replacement character; this replaces them before any
/// handler code runs. A <c>{**rest}</c> parameter gets the rest of the path, each segment decoded the same way.
/// </summary>
internal sealed class RouteValueDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly List<(int Segment, string Name, bool CatchAll)> _simple = [];

    private RouteValueDecoder(RoutePattern? pattern)
    {
        for (int i = 0; i < (pattern?.PathSegments.Count ?? 0); i++)
        {
            var segment = pattern!.PathSegments[i];
            // Velithon's templates give each segment literal text or one parameter (docs/routing-and-binding.md).
            if (segment.IsSimple && segment.Parts[0] is RoutePatternParameterPart parameter)
            {
                _simple.Add((i, parameter.Name, parameter.IsCatchAll));
            }
        }
    }

    /// <summary>Whether the route has parameters to decode.</summary>
    public bool HasParameters => _simple.Count > 0;

    /// <summary>The decoder for <paramref name="endpoint"/>'s route pattern (one without parameters for any other endpoint).</summary>
    public static RouteValueDecoder For(Endpoint? endpoint) => new((endpoint as RouteEndpoint)?.RoutePattern);

    /// <summary>
    /// Sets each route value of <paramref name="context"/> decoded by the rule above. Returns <see langword="null"/>, or
    /// the name and raw text of the first parameter whose value cannot be decoded (the handshake is then refused).
    /// </summary>
    public (string Name, string Raw)? Decode(HttpContext context)
    {
        string? rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!TryGetRawSegments(rawTarget, out var raw))
        {
            // No raw target (a server that builds the request from a decoded path): routing's values stand.
            return null;
        }

        // The raw segments that stand for the route's own: those after the path base, which Kestrel matched on the
        // decoded path. Both have as many segments, as Kestrel keeps %2F encoded; a mismatch means a target routing
        // normalised (dot segments), whose values this cannot place.
        int routed = CountSegments(context.Request.Path.Value);
        int offset = raw.Count - routed;
        if (offset < 0 || offset != CountSegments(context.Request.PathBase.Value))
        {
            return _simple.Count > 0 ? (_simple[0].Name, rawTarget!) : null;
        }

        var values = context.Request.RouteValues;
        foreach (var (segment, name, catchAll) in _simple)
        {
            int index = offset + segment;
            if (index >= raw.Count || !values.ContainsKey(name))
            {
                // An optional parameter the request left out.
                continue;
            }

            if (catchAll)
            {
                var decoded = new StringBuilder();
                for (int i = index; i < raw.Count; i++)
                {
                    if (TryDecode(raw[i]) is not { } part)
                    {
                        return (name, string.Join('/', raw.GetRange(index, raw.Count - index)));
                    }

                    decoded.Append(i > index ? "/" : "").Append(part);
                }

                values[name] = decoded.ToString();
            }
            else if (TryDecode(raw[index]) is { } decoded)
            {
                values[name] = decoded;
            }
            else
            {
                return (name, raw[index]);
            }
        }

        return null;
    }

    /// <summary>Percent-decodes <paramref name="raw"/> once and reads the bytes as UTF-8; <see langword="null"/> when it cannot.</summary>
    public static string? TryDecode(string raw)
    {
        if (!raw.Contains('%'))
        {
            return raw;
        }

        var bytes = new List<byte>(raw.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !char.IsAsciiHexDigit(raw[i + 1]) || !char.IsAsciiHexDigit(raw[i + 2]))
                {
                    return null;
                }

                bytes.Add((byte)Convert.ToInt32(raw.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                int length = Encoding.UTF8.GetBytes(raw.AsSpan(i, char.IsHighSurrogate(c) && i + 1 < raw.Length ? 2 : 1), utf8);
                bytes.AddRange(utf8.Slice(0, length));
                if (length == 4)
                {
                    i++;
                }
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool TryGetRawSegments(string? rawTarget, out List<string> segments)
    {
        segments = [];
        if (string.IsNullOrEmpty(rawTarget))
        {
            return false;
        }

        // Origin form (/path?query) as clients send it; absolute form (http://host/path) as proxies may.
        int start = 0;
        if (rawTarget[0] != '/')
        {
            int scheme = rawTarget.IndexOf("://", StringComparison.Ordinal);
            start = scheme < 0 ? -1 : rawTarget.IndexOf('/', scheme + 3);
            if (start < 0)
            {
                return false;
            }
        }

        int end = rawTarget.IndexOf('?', start);
        string path = end < 0 ? rawTarget.Substring(start) : rawTarget.Substring(start, end - start);
        string[] raw = path.Substring(1).Split('/');
        for (int i = 0; i < raw.Length; i++)
        {
            // Dot segments go as Kestrel removes them from the path it routes on (RFC 3986 section 5.2.4), so the
            // segments left line up with routing's.
            string? text = raw[i].Length <= 6 ? TryDecode(raw[i]) : null;
            bool last = i == raw.Length - 1;
            if (text == ".")
            {
                if (last)
                {
                    segments.Add("");
                }
            }
            else if (text == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                if (last)
                {
                    segments.Add("");
                }
            }
            else
            {
                segments.Add(raw[i]);
            }
        }

        return true;
    }

    /// <summary>The segments of a decoded path ("/a/b" has 2, "" has 0).</summary>
    private static int CountSegments(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return 0;
        }

        int count = 0;
        foreach (char c in path)
        {
            if (c == '/')
            {
                count++;
            }
        }

        return count;
    }
}
