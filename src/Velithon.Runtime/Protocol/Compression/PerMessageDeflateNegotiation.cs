using System;
using Microsoft.Extensions.Primitives;

namespace Velithon.Protocol.Compression;

/// <summary>
/// The server's side of the permessage-deflate negotiation (RFC 7692 section 7.1): reads the client's
/// Sec-WebSocket-Extensions offers and answers the first one the server can accept.
/// </summary>
internal static class PerMessageDeflateNegotiation
{
    public const string ExtensionName = "permessage-deflate";

    /// <summary>
    /// Chooses the first permessage-deflate offer the server accepts, in the order the client listed them
    /// (RFC 7692 section 5), across every header value.
    /// </summary>
    /// <param name="secWebSocketExtensions">
    /// Every Sec-WebSocket-Extensions value of the request: comma-separated extensions with <c>;</c>
    /// parameters whose values are tokens or quoted strings (RFC 6455 section 9.1).
    /// </param>
    /// <param name="serverMaxWindowBits">The server's configured window, 9 to 15; an offer may lower it.</param>
    /// <param name="disableServerContextTakeover">The server resets its compressor after every message whatever the client offers.</param>
    /// <param name="responseExtension">
    /// The Sec-WebSocket-Extensions value to answer with, such as
    /// <c>permessage-deflate; server_max_window_bits=10</c>; <see langword="null"/> when nothing is accepted.
    /// </param>
    /// <returns>
    /// The agreed parameters, or <see langword="null"/> when no offer is acceptable or the header is not of
    /// the RFC 6455 grammar (then the connection goes on without compression). Never throws for the header.
    /// </returns>
    /// <remarks>
    /// An offer is declined, as section 7 requires, when it has a parameter this extension does not define,
    /// the same parameter twice, or a value that is not allowed: a value on either no_context_takeover, a
    /// server_max_window_bits without a value, or window bits other than a plain decimal 8 to 15. An offer of
    /// server_max_window_bits=8 is declined as well: zlib cannot compress raw DEFLATE with a 256-byte window,
    /// and answering 9 would break the limit the client asked for (section 7.1.2.1).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="serverMaxWindowBits"/> is outside 9 to 15.</exception>
    public static PerMessageDeflateParameters? Negotiate(StringValues secWebSocketExtensions, int serverMaxWindowBits, bool disableServerContextTakeover, out string? responseExtension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(serverMaxWindowBits, 9);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serverMaxWindowBits, 15);

        PerMessageDeflateParameters? accepted = null;
        string? response = null;
        foreach (string? value in secWebSocketExtensions)
        {
            // Every value is read to its end, even after an offer is accepted: a malformed header declines all.
            if (value is not null && !ReadExtensions(value, serverMaxWindowBits, disableServerContextTakeover, ref accepted, ref response))
            {
                responseExtension = null;
                return null;
            }
        }

        responseExtension = response;
        return accepted;
    }

    /// <summary>Reads one header value's extensions (RFC 6455 section 9.1); <see langword="false"/> when it is malformed.</summary>
    private static bool ReadExtensions(string header, int configuredWindowBits, bool disableServerContextTakeover, ref PerMessageDeflateParameters? accepted, ref string? response)
    {
        int position = 0;
        while (true)
        {
            SkipWhitespace(header, ref position);
            if (position == header.Length)
            {
                return true;
            }

            // Empty list elements ("a, , b") are allowed by the list rule (RFC 9110 section 5.6.1).
            if (header[position] == ',')
            {
                position++;
                continue;
            }

            if (!ReadToken(header, ref position, out ReadOnlySpan<char> name))
            {
                return false;
            }

            var offer = new PerMessageDeflateOffer();
            bool isDeflate = name.Equals(ExtensionName, StringComparison.OrdinalIgnoreCase);
            while (true)
            {
                SkipWhitespace(header, ref position);
                if (position == header.Length || header[position] == ',')
                {
                    break;
                }

                if (header[position] != ';')
                {
                    return false;
                }

                position++;
                SkipWhitespace(header, ref position);
                if (!ReadToken(header, ref position, out ReadOnlySpan<char> parameter))
                {
                    return false;
                }

                SkipWhitespace(header, ref position);
                string? parameterValue = null;
                if (position < header.Length && header[position] == '=')
                {
                    position++;
                    SkipWhitespace(header, ref position);
                    if (!ReadValue(header, ref position, out parameterValue))
                    {
                        return false;
                    }
                }

                if (isDeflate)
                {
                    offer.Add(parameter, parameterValue);
                }
            }

            if (isDeflate && accepted is null && offer.TryAccept(configuredWindowBits, disableServerContextTakeover, out PerMessageDeflateParameters parameters, out string answer))
            {
                accepted = parameters;
                response = answer;
            }
        }
    }

    private static void SkipWhitespace(string header, ref int position)
    {
        while (position < header.Length && header[position] is ' ' or '\t')
        {
            position++;
        }
    }

    /// <summary>A token: one or more tchar (RFC 9110 section 5.6.2).</summary>
    private static bool ReadToken(string header, ref int position, out ReadOnlySpan<char> token)
    {
        int start = position;
        while (position < header.Length && IsTokenChar(header[position]))
        {
            position++;
        }

        token = header.AsSpan(start, position - start);
        return position > start;
    }

    /// <summary>A parameter value: a token or a quoted string, unescaped (RFC 9110 section 5.6.4).</summary>
    private static bool ReadValue(string header, ref int position, out string? value)
    {
        value = null;
        if (position < header.Length && header[position] == '"')
        {
            var builder = new System.Text.StringBuilder();
            position++;
            while (position < header.Length)
            {
                char c = header[position++];
                if (c == '"')
                {
                    value = builder.ToString();
                    return true;
                }

                if (c == '\\')
                {
                    if (position == header.Length)
                    {
                        return false;
                    }

                    c = header[position++];
                }

                if (c is < ' ' and not '\t' or '\x7F')
                {
                    return false;
                }

                builder.Append(c);
            }

            return false;
        }

        if (!ReadToken(header, ref position, out ReadOnlySpan<char> token))
        {
            return false;
        }

        value = token.ToString();
        return true;
    }

    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
