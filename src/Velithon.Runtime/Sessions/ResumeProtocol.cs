using System;
using System.Buffers.Text;
using System.Collections.Generic;

namespace Velithon.Sessions;

/// <summary>
/// The <c>velithon.resume.v1</c> wire protocol (docs/resumable-sessions.md): negotiated as the connection's
/// subprotocol (RFC 6455 section 1.9), so a client that does not offer it is served as on any other route. Every
/// message either way begins with one ASCII byte that says what it is.
/// </summary>
internal static class ResumeProtocol
{
    /// <summary>The subprotocol a client offers to get a resumable session, and the one the server selects.</summary>
    public const string SubProtocol = "velithon.resume.v1";

    /// <summary>
    /// A resume offer, beside <see cref="SubProtocol"/>: <c>velithon.resume.v1.&lt;received&gt;.&lt;token&gt;</c>. The
    /// token travels in the handshake's subprotocol list because a browser can set nothing else but the URL, and a
    /// URL ends up in logs.
    /// </summary>
    public const string ResumeOfferPrefix = SubProtocol + ".";

    /// <summary>'D': an application message; the rest is its payload, in the frame type the application chose.</summary>
    public const byte Data = (byte)'D';

    /// <summary>'A': an acknowledgement, a text message; the rest is the decimal count of data messages received so far.</summary>
    public const byte Ack = (byte)'A';

    /// <summary>'T': the server's first message on a new session, a text message; the rest is the resume token.</summary>
    public const byte Token = (byte)'T';

    /// <summary>'R': the server's first message on a resumed connection; the rest is the decimal count of the client's data messages it has.</summary>
    public const byte Resumed = (byte)'R';

    /// <summary>The longest count in an 'A' or 'R' message: a 64-bit decimal.</summary>
    public const int MaxCountDigits = 19;

    /// <summary>Whether the client offered <see cref="SubProtocol"/>.</summary>
    public static bool IsOffered(IReadOnlyList<string> requested)
    {
        foreach (var offered in requested)
        {
            if (string.Equals(offered, SubProtocol, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The resume offer among <paramref name="requested"/>, or null when there is none.</summary>
    /// <returns>The offer; its <see cref="ResumeOffer.Token"/> is null when the offer is malformed.</returns>
    public static ResumeOffer? FindOffer(IReadOnlyList<string> requested)
    {
        foreach (var offered in requested)
        {
            if (!offered.StartsWith(ResumeOfferPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = offered.AsSpan(ResumeOfferPrefix.Length);
            int dot = rest.IndexOf('.');
            return dot > 0 && dot <= MaxCountDigits && TryParseCount(rest[..dot], out long received) && dot + 1 < rest.Length
                ? new ResumeOffer(received, rest[(dot + 1)..].ToString())
                : new ResumeOffer(0, null);
        }

        return null;
    }

    /// <summary>Parses a non-negative decimal count of ASCII digits, without sign, spaces or leading '+'.</summary>
    public static bool TryParseCount(ReadOnlySpan<byte> digits, out long count)
    {
        count = 0;
        if (digits.IsEmpty || digits.Length > MaxCountDigits)
        {
            return false;
        }

        foreach (byte digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            // Nineteen digits can pass long.MaxValue; a count that wrapped negative would read as one the server
            // had already released and end a live session (4413) instead of refusing the offer (4400).
            if (count > (long.MaxValue - (digit - '0')) / 10)
            {
                return false;
            }

            count = (count * 10) + (digit - '0');
        }

        return true;
    }

    private static bool TryParseCount(ReadOnlySpan<char> digits, out long count)
    {
        count = 0;
        foreach (char digit in digits)
        {
            if (digit is < '0' or > '9' || count > (long.MaxValue - (digit - '0')) / 10)
            {
                return false;
            }

            count = (count * 10) + (digit - '0');
        }

        return true;
    }

    /// <summary>Writes <paramref name="kind"/> and <paramref name="count"/> in decimal into <paramref name="destination"/>; returns the length.</summary>
    public static int WriteCount(byte kind, long count, Span<byte> destination)
    {
        destination[0] = kind;
        Utf8Formatter.TryFormat(count, destination[1..], out int written);
        return 1 + written;
    }
}

/// <summary>A client's resume offer: how many data messages it received from the server, and its token (null when malformed).</summary>
internal readonly record struct ResumeOffer(long Received, string? Token);
