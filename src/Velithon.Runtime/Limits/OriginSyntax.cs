using System;
using System.Globalization;
using System.Text;

namespace Velithon.Limits;

/// <summary>
/// The one rule for what an origin is. It is shared as source by the runtime, which parses
/// <c>VelithonOptions.AllowedOrigins</c>, <c>[AllowedOrigins]</c> and every handshake's <c>Origin</c> header with
/// it, and by the generator, whose VLT0030 check on <c>[AllowedOrigins]</c> calls it: what the build accepts is
/// what the runtime serves.
/// </summary>
/// <remarks>
/// <para>
/// An origin is <c>scheme "://" host [ ":" port ] [ "/" ]</c>, the serialized origin of RFC 6454 section 6.2 that a
/// browser sends, with three leniencies for people writing configuration: scheme and host in any case, the
/// scheme's default port written out, and one trailing <c>/</c> (an address copied from the browser's address
/// bar). Each is normalized away, so <c>HTTPS://App.Example:443/</c> is <c>https://app.example</c>.
/// </para>
/// <list type="bullet">
/// <item>The scheme is http or https: a page that opens a WebSocket was served over one of them. ws and wss name the
/// WebSocket URL, not the page; browser-specific schemes (extensions, file pages, whose origin is "null") have
/// no such origin.</item>
/// <item>The host is a name of ASCII letters, digits, '-', '_' and '.' (no empty label); a name ending in a number is an
/// IPv4 address to a browser (WHATWG URL, "ends in a number"), so it must be one, four decimal numbers 0 to 255
/// without leading zeros; or an IPv6 address in brackets, serialized as the WHATWG URL standard does
/// (<c>[0:0::1]</c> is <c>[::1]</c>). Browsers send internationalized names in their ASCII (xn--) form and never
/// percent-encode a host, so neither non-ASCII nor '%' can match and both are refused.</item>
/// <item>The port is 1 to 65535 in decimal without leading zeros.</item>
/// <item>Nothing else: no user info, path, query or fragment.</item>
/// </list>
/// <para>Shared with the generator (netstandard2.0): strings and indices, no spans. Parsing an origin that is
/// already serialized, as browsers send it, allocates nothing (except an IPv6 address).</para>
/// </remarks>
internal static class OriginSyntax
{
    /// <summary>How to write an origin, for the messages that refuse one.</summary>
    public const string Expected = "scheme://host[:port] with the scheme http or https, for example https://app.example";

    private static readonly char[] AuthorityEnds = ['/', '?', '#'];

    /// <summary>Whether <paramref name="text"/> is an origin; <paramref name="origin"/> is its serialization.</summary>
    public static bool TryParse(string? text, out SerializedOrigin origin) => Parse(text, out origin) is null;

    /// <summary>
    /// Parses <paramref name="text"/>: <see langword="null"/> when it is an origin, with its serialization in
    /// <paramref name="origin"/>; else why not, a clause without a final period or semicolon ("it has a path, ...").
    /// </summary>
    public static string? Parse(string? text, out SerializedOrigin origin)
    {
        origin = default;
        if (text is null)
        {
            return "it is null";
        }

        string scheme;
        if (StartsWithIgnoreCase(text, "https://"))
        {
            scheme = "https";
        }
        else if (StartsWithIgnoreCase(text, "http://"))
        {
            scheme = "http";
        }
        else
        {
            return SchemeProblem(text);
        }

        bool serialized = string.CompareOrdinal(text, 0, scheme, 0, scheme.Length) == 0;
        int hostStart = scheme.Length + "://".Length;

        // The authority ends at the first '/', '?' or '#' (RFC 3986 section 3.2).
        int authorityEnd = text.IndexOfAny(AuthorityEnds, hostStart);
        if (authorityEnd < 0)
        {
            authorityEnd = text.Length;
        }

        if (text.IndexOf('@', hostStart, authorityEnd - hostStart) >= 0)
        {
            return "it has user info (before '@'), which an origin never holds";
        }

        int hostEnd;
        string? ipv6 = null;
        if (hostStart < authorityEnd && text[hostStart] == '[')
        {
            int close = text.IndexOf(']', hostStart, authorityEnd - hostStart);
            if (close < 0)
            {
                return "its IPv6 address has no closing ']'";
            }

            var pieces = new ushort[8];
            if (!TryParseIPv6(text, hostStart + 1, close, pieces))
            {
                return "its IPv6 address is not valid";
            }

            hostEnd = close + 1;
            ipv6 = SerializeIPv6(pieces);
            serialized &= ipv6.Length == hostEnd - hostStart && string.CompareOrdinal(text, hostStart, ipv6, 0, ipv6.Length) == 0;
            if (hostEnd < authorityEnd && text[hostEnd] != ':')
            {
                return "its IPv6 address is followed by something other than a port";
            }
        }
        else
        {
            hostEnd = text.IndexOf(':', hostStart, authorityEnd - hostStart);
            if (hostEnd < 0)
            {
                hostEnd = authorityEnd;
            }

            if (HostProblem(text, hostStart, hostEnd, ref serialized) is { } problem)
            {
                return problem;
            }
        }

        int defaultPort = scheme.Length == 5 ? 443 : 80;
        int port = defaultPort;
        if (hostEnd < authorityEnd)
        {
            // ':' port (RFC 3986 section 3.2.3); the default port written out is the same origin (RFC 6454 section 4).
            if (!TryParsePort(text, hostEnd + 1, authorityEnd, out port))
            {
                return "its port is not a number from 1 to 65535 without leading zeros";
            }

            serialized &= port != defaultPort;
        }

        if (authorityEnd < text.Length)
        {
            if (text.IndexOf('?', authorityEnd) >= 0)
            {
                return "it has a query ('?'), which an origin never holds";
            }

            if (text.IndexOf('#', authorityEnd) >= 0)
            {
                return "it has a fragment ('#'), which an origin never holds";
            }

            if (authorityEnd + 1 != text.Length)
            {
                return "it has a path, where an origin ends after the host or port (or one '/')";
            }

            serialized = false;
        }

        if (serialized)
        {
            origin = new SerializedOrigin(text, hostStart, hostEnd - hostStart, port, defaultPort);
            return null;
        }

        string host = ipv6 ?? text.Substring(hostStart, hostEnd - hostStart).ToLowerInvariant();
        string value = port == defaultPort
            ? scheme + "://" + host
            : scheme + "://" + host + ":" + port.ToString(CultureInfo.InvariantCulture);
        origin = new SerializedOrigin(value, hostStart, host.Length, port, defaultPort);
        return null;
    }

    private static string SchemeProblem(string text)
    {
        int separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || !IsSchemeName(text, separator))
        {
            return "it does not start with http:// or https://";
        }

        string scheme = text.Substring(0, separator);
        return scheme.Equals("ws", StringComparison.OrdinalIgnoreCase) || scheme.Equals("wss", StringComparison.OrdinalIgnoreCase)
            ? $"its scheme is {scheme}, which names the WebSocket URL, where an origin names the page that opens it, served over http or https"
            : $"its scheme is {scheme}, not http or https";
    }

    /// <summary>Why the host name (or IPv4 address) <paramref name="text"/>[<paramref name="start"/>..<paramref name="end"/>) is not one; clears <paramref name="serialized"/> when it has upper case.</summary>
    private static string? HostProblem(string text, int start, int end, ref bool serialized)
    {
        if (start == end)
        {
            return "it has no host";
        }

        int labelStart = start;
        for (int i = start; i < end; i++)
        {
            char c = text[i];
            if (c == '.')
            {
                if (i == labelStart)
                {
                    return EmptyLabel;
                }

                labelStart = i + 1;
            }
            else if (c is (>= 'A' and <= 'Z'))
            {
                serialized = false;
            }
            else if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
            {
                return c switch
                {
                    '%' => "its host is percent-encoded, which browsers never send",
                    > '\u007f' => "its host is not ASCII, where browsers send an internationalized name in its xn-- form",
                    _ => $"its host holds '{c}', which no host name holds",
                };
            }
        }

        if (labelStart == end)
        {
            return EmptyLabel;
        }

        // A host whose last label is a number is an IPv4 address to a browser (WHATWG URL, "ends in a number"),
        // which it then sends as four decimal numbers: only that form can match.
        bool lastIsNumber = IsDigits(text, labelStart, end)
            || (end - labelStart >= 2 && text[labelStart] == '0' && (text[labelStart + 1] | 0x20) == 'x');
        return lastIsNumber && !IsIPv4(text, start, end)
            ? "its host ends in a number but is not an IPv4 address of four decimal numbers from 0 to 255 without leading zeros"
            : null;
    }

    private const string EmptyLabel = "its host has an empty label (a leading, trailing or doubled '.')";

    private static bool IsIPv4(string text, int start, int end)
    {
        int parts = 0;
        int partStart = start;
        for (int i = start; i <= end; i++)
        {
            if (i < end && text[i] != '.')
            {
                continue;
            }

            int length = i - partStart;
            if (length is < 1 or > 3 || !IsDigits(text, partStart, i) || (length > 1 && text[partStart] == '0'))
            {
                return false;
            }

            int value = 0;
            for (int digit = partStart; digit < i; digit++)
            {
                value = (value * 10) + (text[digit] - '0');
            }

            if (value > 255)
            {
                return false;
            }

            parts++;
            partStart = i + 1;
        }

        return parts == 4;
    }

    private static bool TryParsePort(string text, int start, int end, out int port)
    {
        port = 0;
        if (end - start is < 1 or > 5 || text[start] == '0' || !IsDigits(text, start, end))
        {
            return false;
        }

        for (int i = start; i < end; i++)
        {
            port = (port * 10) + (text[i] - '0');
        }

        return port <= 65535;
    }

    /// <summary>The IPv6 parser of the WHATWG URL standard, over <paramref name="text"/>[<paramref name="start"/>..<paramref name="end"/>), into eight pieces.</summary>
    private static bool TryParseIPv6(string text, int start, int end, ushort[] pieces)
    {
        int piece = 0;
        int compress = -1;
        int i = start;
        if (i < end && text[i] == ':')
        {
            if (i + 1 >= end || text[i + 1] != ':')
            {
                return false;
            }

            i += 2;
            compress = ++piece;
        }

        while (i < end)
        {
            if (piece == 8)
            {
                return false;
            }

            if (text[i] == ':')
            {
                if (compress >= 0)
                {
                    return false;
                }

                i++;
                compress = ++piece;
                continue;
            }

            int value = 0;
            int length = 0;
            while (length < 4 && i < end && HexValue(text[i]) is var digit and >= 0)
            {
                value = (value * 16) + digit;
                i++;
                length++;
            }

            if (i < end && text[i] == '.')
            {
                // An IPv4 address in the last 32 bits (::ffff:192.0.2.1).
                if (length == 0 || piece > 6)
                {
                    return false;
                }

                i -= length;
                int numbersSeen = 0;
                while (i < end)
                {
                    if (numbersSeen > 0)
                    {
                        if (text[i] != '.' || numbersSeen == 4)
                        {
                            return false;
                        }

                        i++;
                    }

                    if (i >= end || !IsDigit(text[i]))
                    {
                        return false;
                    }

                    int number = -1;
                    while (i < end && IsDigit(text[i]))
                    {
                        if (number == 0)
                        {
                            return false;
                        }

                        number = (number < 0 ? 0 : number * 10) + (text[i] - '0');
                        if (number > 255)
                        {
                            return false;
                        }

                        i++;
                    }

                    pieces[piece] = (ushort)((pieces[piece] * 0x100) + number);
                    numbersSeen++;
                    if (numbersSeen is 2 or 4)
                    {
                        piece++;
                    }
                }

                if (numbersSeen != 4)
                {
                    return false;
                }

                break;
            }

            if (i < end && text[i] == ':')
            {
                i++;
                if (i == end)
                {
                    return false;
                }
            }
            else if (i < end)
            {
                return false;
            }

            pieces[piece++] = (ushort)value;
        }

        if (compress >= 0)
        {
            // Move the pieces after "::" to the end; the ones between stay zero.
            int swaps = piece - compress;
            for (int last = 7; last != 0 && swaps > 0; last--, swaps--)
            {
                (pieces[last], pieces[compress + swaps - 1]) = (pieces[compress + swaps - 1], pieces[last]);
            }
        }
        else if (piece != 8)
        {
            return false;
        }

        return true;
    }

    /// <summary>The WHATWG URL standard's IPv6 serializer, in brackets: lower-case hex, the first longest run of two or more zero pieces as "::".</summary>
    private static string SerializeIPv6(ushort[] pieces)
    {
        int compress = -1;
        int longest = 1;
        for (int i = 0; i < 8;)
        {
            int run = 0;
            while (i + run < 8 && pieces[i + run] == 0)
            {
                run++;
            }

            if (run > longest)
            {
                longest = run;
                compress = i;
            }

            i += Math.Max(run, 1);
        }

        var builder = new StringBuilder("[", 41);
        for (int i = 0; i < 8; i++)
        {
            if (i == compress)
            {
                builder.Append(i == 0 ? "::" : ":");
                i += longest - 1;
                continue;
            }

            builder.Append(pieces[i].ToString("x", CultureInfo.InvariantCulture));
            if (i != 7)
            {
                builder.Append(':');
            }
        }

        return builder.Append(']').ToString();
    }

    /// <summary>Whether <paramref name="text"/>'s first <paramref name="length"/> characters are a scheme name (RFC 3986 section 3.1).</summary>
    private static bool IsSchemeName(string text, int length)
    {
        for (int i = 0; i < length; i++)
        {
            char c = text[i];
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') || (i > 0 && c is (>= '0' and <= '9') or '+' or '-' or '.')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool StartsWithIgnoreCase(string text, string prefix) => text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool IsDigits(string text, int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            if (!IsDigit(text[i]))
            {
                return false;
            }
        }

        return start < end;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
