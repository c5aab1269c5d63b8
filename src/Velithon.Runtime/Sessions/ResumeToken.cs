using System;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Velithon.Sessions;

/// <summary>
/// The resume token: <c>&lt;server id&gt;.&lt;protected payload&gt;</c>, the payload (the session id, user id, route
/// pattern, path and generation) protected by ASP.NET Core Data Protection (authenticated encryption) and in
/// base64url, so that every character is a token character of RFC 9110 section 5.6.2 and it fits in a subprotocol. The
/// server id stands in clear, so another server refuses it with 4421 whether or not it shares the key ring. The
/// generation is the number of resumes before the one the token is good for: each resume issues the next generation's
/// token, and the session refuses any other (docs/resumable-sessions.md, "The token").
/// </summary>
internal static class ResumeToken
{
    /// <summary>The Data Protection purpose: tokens of nothing else unprotect with it.</summary>
    public const string Purpose = "Velithon.ResumableSession.v1";

    /// <summary>
    /// Creates the token of generation <paramref name="generation"/> (0 for the session's first transport, n after n
    /// resumes) for the session <paramref name="fields"/> describes, on server <paramref name="serverId"/>.
    /// </summary>
    public static string Create(IDataProtector protector, string serverId, ResumeTokenFields fields, long generation)
    {
        var builder = new StringBuilder();
        Append(builder, fields.SessionId);
        Append(builder, fields.UserId);
        Append(builder, fields.Route);
        Append(builder, fields.Path);
        Append(builder, generation.ToString(CultureInfo.InvariantCulture));
        byte[] protectedBytes = protector.Protect(Encoding.UTF8.GetBytes(builder.ToString()));
        return serverId + "." + Base64Url.EncodeToString(protectedBytes);
    }

    /// <summary>Reads <paramref name="token"/>; the result says why it cannot be used, if it cannot.</summary>
    public static ResumeTokenResult Read(IDataProtector protector, string serverId, string token, out ResumeTokenFields fields, out long generation)
    {
        fields = default;
        generation = 0;
        int dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == token.Length - 1)
        {
            return ResumeTokenResult.Invalid;
        }

        if (!token.AsSpan(0, dot).SequenceEqual(serverId))
        {
            return ResumeTokenResult.AnotherServer;
        }

        byte[] payload;
        try
        {
            payload = protector.Unprotect(Base64Url.DecodeFromChars(token.AsSpan(dot + 1)));
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException)
        {
            // Altered, truncated, or protected with keys this server does not have.
            return ResumeTokenResult.Invalid;
        }

        var text = Encoding.UTF8.GetString(payload).AsSpan();
        if (!TryTake(ref text, out var sessionId) || !TryTake(ref text, out var userId)
            || !TryTake(ref text, out var route) || !TryTake(ref text, out var path) || !TryTake(ref text, out var generationText)
            || !text.IsEmpty || sessionId is null
            || !long.TryParse(generationText, NumberStyles.None, CultureInfo.InvariantCulture, out generation))
        {
            return ResumeTokenResult.Invalid;
        }

        fields = new ResumeTokenFields(sessionId, userId, route ?? string.Empty, path ?? string.Empty);
        return ResumeTokenResult.Valid;
    }

    // Each field as its length in decimal, ':', the field; '-' for null. No separator can be confused with a field.
    private static void Append(StringBuilder builder, string? value)
    {
        if (value is null)
        {
            builder.Append('-');
            return;
        }

        builder.Append(value.Length).Append(':').Append(value);
    }

    private static bool TryTake(ref ReadOnlySpan<char> text, out string? value)
    {
        value = null;
        if (text.IsEmpty)
        {
            return false;
        }

        if (text[0] == '-')
        {
            text = text[1..];
            return true;
        }

        int colon = text.IndexOf(':');
        if (colon <= 0 || !int.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out int length)
            || length > text.Length - colon - 1)
        {
            return false;
        }

        value = text.Slice(colon + 1, length).ToString();
        text = text[(colon + 1 + length)..];
        return true;
    }
}

/// <summary>What a resume token binds a session to, whatever its generation.</summary>
internal readonly record struct ResumeTokenFields(string SessionId, string? UserId, string Route, string Path);

/// <summary>Whether a resume token can be used.</summary>
internal enum ResumeTokenResult
{
    /// <summary>Issued by this server and intact.</summary>
    Valid,

    /// <summary>Malformed, altered, or protected with other keys (4400).</summary>
    Invalid,

    /// <summary>Names another server (4421).</summary>
    AnotherServer,
}
