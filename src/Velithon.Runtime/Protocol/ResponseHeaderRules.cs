using System;
using System.Collections.Generic;

namespace Velithon.Protocol;

/// <summary>
/// What a header the handler adds to the handshake response may hold. Checked when the handler calls
/// <c>AcceptAsync</c>, so a bad header fails there, before anything is written, as a fault of the handler's
/// (HTTP 500, one Error line); found later by Kestrel, it would fail the response half-written.
/// </summary>
internal static class ResponseHeaderRules
{
    /// <summary>Throws <see cref="ArgumentException"/> for the first header in <paramref name="headers"/> that a response cannot carry.</summary>
    /// <param name="headers">The handler's extra headers, in order.</param>
    /// <param name="parameterName">The parameter the headers came in, for the exception.</param>
    /// <exception cref="ArgumentException">
    /// A name that is not an RFC 9110 token (section 5.1), one of the handshake's own headers (<c>Upgrade</c>,
    /// <c>Connection</c>, <c>Sec-WebSocket-*</c>), or a value with a control character (section 5.5).
    /// </exception>
    public static void Validate(IReadOnlyList<KeyValuePair<string, string>> headers, string parameterName)
    {
        foreach (var (name, value) in headers)
        {
            if (string.IsNullOrEmpty(name) || !IsToken(name))
            {
                throw new ArgumentException($"'{name}' is not a valid response header name: a name is an RFC 9110 token (section 5.1).", parameterName);
            }

            if (IsHandshakeHeader(name))
            {
                // The handshake's own headers say what the server agreed to; another value would advertise a
                // subprotocol or an extension the connection does not speak (RFC 6455 section 4.2.2).
                throw new ArgumentException($"The response header '{name}' belongs to the WebSocket handshake itself; choose a subprotocol with AcceptAsync's subProtocol, and leave the rest to Velithon.", parameterName);
            }

            if (value is not null && HasControlCharacter(value))
            {
                // CR and LF above all: they would end the header and start another (response splitting).
                throw new ArgumentException($"The response header '{name}' has a control character in its value (RFC 9110 section 5.5); a handshake response cannot carry it.", parameterName);
            }
        }
    }

    private static bool IsHandshakeHeader(string name) =>
        name.StartsWith("Sec-WebSocket-", StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, "Upgrade", StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, "Connection", StringComparison.OrdinalIgnoreCase);

    // RFC 9110 section 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    private static bool IsToken(string name)
    {
        foreach (char c in name)
        {
            bool tchar = char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
            if (!tchar)
            {
                return false;
            }
        }

        return true;
    }

    // Field values may hold visible characters, spaces and tabs (RFC 9110 section 5.5); CR, LF, NUL and the other
    // controls are refused, as Kestrel refuses them when it writes the response.
    private static bool HasControlCharacter(string value)
    {
        foreach (char c in value)
        {
            if ((c < 0x20 && c != '\t') || c == 0x7F)
            {
                return true;
            }
        }

        return false;
    }
}
