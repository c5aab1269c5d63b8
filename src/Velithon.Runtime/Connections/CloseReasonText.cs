using System;
using System.Text;

namespace Velithon.Connections;

/// <summary>Fits a close reason into a close frame: at most 123 UTF-8 bytes (RFC 6455 section 5.5.1), cut at a character boundary.</summary>
internal static class CloseReasonText
{
    /// <summary>The most UTF-8 bytes a close reason may have: a control frame carries 125 bytes, two of them the code.</summary>
    public const int MaxBytes = 123;

    private const string Ellipsis = "...";

    /// <summary><paramref name="reason"/> when it fits; else its longest prefix that fits with "..." after it.</summary>
    public static string Fit(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= MaxBytes)
        {
            return reason;
        }

        int budget = MaxBytes - Ellipsis.Length;
        int bytes = 0;
        int length = 0;
        while (length < reason.Length)
        {
            // A surrogate pair is one character of four bytes: never split it.
            int width = char.IsHighSurrogate(reason[length]) && length + 1 < reason.Length && char.IsLowSurrogate(reason[length + 1]) ? 2 : 1;
            int size = Encoding.UTF8.GetByteCount(reason.AsSpan(length, width));
            if (bytes + size > budget)
            {
                break;
            }

            bytes += size;
            length += width;
        }

        return string.Concat(reason.AsSpan(0, length), Ellipsis);
    }
}
