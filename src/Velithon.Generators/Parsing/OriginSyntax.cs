using System;

namespace Velithon.Generators.Parsing;

/// <summary>
/// The origins an <c>[AllowedOrigins]</c> entry may name: an RFC 6454 section 6.2 serialized origin,
/// <c>scheme "://" host [ ":" port ]</c> with the scheme http or https, which is what a browser sends in a
/// handshake's <c>Origin</c> header. Scheme and host compare without case, as the runtime's <c>OriginPolicy</c>
/// lower-cases both.
/// </summary>
internal static class OriginSyntax
{
    public static bool IsSerializedOrigin(string origin)
    {
        int hostStart;
        if (origin.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            hostStart = "http://".Length;
        }
        else if (origin.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            hostStart = "https://".Length;
        }
        else
        {
            return false;
        }

        int portColon;
        if (hostStart < origin.Length && origin[hostStart] == '[')
        {
            // An IPv6 literal (RFC 3986 section 3.2.2).
            int close = origin.IndexOf(']', hostStart);
            if (close < 0 || !IsAll(origin, hostStart + 1, close, static c => IsHex(c) || c is ':' or '.') || close == hostStart + 1)
            {
                return false;
            }

            portColon = close + 1;
            if (portColon < origin.Length && origin[portColon] != ':')
            {
                return false;
            }
        }
        else
        {
            portColon = origin.IndexOf(':', hostStart);
            int hostEnd = portColon < 0 ? origin.Length : portColon;
            if (hostEnd == hostStart || !IsAll(origin, hostStart, hostEnd, static c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '.' or '_')
                || origin[hostStart] == '.' || origin[hostEnd - 1] == '.')
            {
                return false;
            }

            if (portColon < 0)
            {
                return true;
            }
        }

        if (portColon >= origin.Length)
        {
            return true;
        }

        // ":" port, 0 to 65535 (RFC 6454 section 6.2 writes it in decimal without leading zeros; Uri accepts them).
        int digits = origin.Length - portColon - 1;
        return digits is > 0 and <= 5
            && IsAll(origin, portColon + 1, origin.Length, static c => c is >= '0' and <= '9')
            && int.Parse(origin.Substring(portColon + 1), System.Globalization.CultureInfo.InvariantCulture) <= 65535;
    }

    private static bool IsHex(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F');

    private static bool IsAll(string text, int start, int end, Func<char, bool> allowed)
    {
        for (int i = start; i < end; i++)
        {
            if (!allowed(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
