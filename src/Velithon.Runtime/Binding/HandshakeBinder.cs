using System;
using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Velithon.Connections;

namespace Velithon.Binding;

/// <summary>
/// Reads and parses handshake values, and refuses a handshake whose values do not bind. Infrastructure: it exists
/// for the code Velithon's generator writes and is hidden from IntelliSense; applications do not call it. Every
/// parse uses the invariant culture, so a route means the same on every server.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class HandshakeBinder
{
    private const int MaxEchoedValueLength = 64;

    /// <summary>The value of route parameter <paramref name="name"/>, or <see langword="null"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static string? GetRouteValue(HttpContext httpContext, string name) =>
        httpContext.Request.RouteValues.TryGetValue(name, out var value) ? value as string ?? value?.ToString() : null;

    /// <summary>The first value of query parameter <paramref name="name"/>, or <see langword="null"/> when absent.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static string? GetQueryValue(HttpContext httpContext, string name) =>
        httpContext.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>The value of header <paramref name="name"/> (several values joined with commas), or <see langword="null"/> when absent.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static string? GetHeaderValue(HttpContext httpContext, string name) =>
        httpContext.Request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

    /// <summary>Parses <paramref name="text"/> with <typeparamref name="T"/>'s <see cref="IParsable{TSelf}"/> implementation and the invariant culture.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static bool TryParse<T>(string? text, out T value)
        where T : IParsable<T> =>
        T.TryParse(text, CultureInfo.InvariantCulture, out value!);

    /// <summary>Parses an integer: digits with an optional sign and surrounding white space, nothing else.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static bool TryParseInteger<T>(string? text, out T value)
        where T : INumberBase<T> =>
        T.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value!);

    /// <summary>Parses a number with a '.' decimal point and an optional exponent; thousands separators are refused.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static bool TryParseFloat<T>(string? text, out T value)
        where T : INumberBase<T> =>
        T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value!);

    /// <summary>Parses an enum member by name, ignoring case; numbers and undefined values are refused.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static bool TryParseEnum<T>(string? text, out T value)
        where T : struct, Enum
    {
        if (string.IsNullOrEmpty(text) || char.IsAsciiDigit(text[0]) || text[0] is '-' or '+')
        {
            value = default;
            return false;
        }

        return Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    /// <summary>The message of a 400 response for a required value that is missing.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static string MissingValue(string source, string name) =>
        $"The {source} parameter '{name}' is required.";

    /// <summary>The message of a 400 response for a value that does not parse.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static string InvalidValue(string source, string name, string? text, string expected)
    {
        string shown = text is null ? string.Empty
            : text.Length <= MaxEchoedValueLength ? text
            : string.Concat(text.AsSpan(0, MaxEchoedValueLength), "...");
        return $"The {source} parameter '{name}' has the value '{shown}', which is not {expected}.";
    }

    /// <summary>
    /// Refuses the handshake of <paramref name="socket"/> with HTTP <paramref name="statusCode"/> and
    /// <paramref name="message"/> as a <c>text/plain</c> body, instead of accepting it (RFC 6455 section 4.2.2 lets
    /// a server refuse a handshake with "an appropriate error code"). Generated code calls it with 400 when a
    /// handler's parameter does not bind.
    /// </summary>
    /// <param name="socket">The connection the generated handler was given, not yet accepted.</param>
    /// <param name="statusCode">The HTTP status code of the response.</param>
    /// <param name="message">The response body, also written to the handshake refusal log.</param>
    /// <returns>A task that completes once the response is written (or the client has left).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="socket"/> is not a connection of Velithon's runtime, or its handshake was already accepted,
    /// refused or closed.
    /// </exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static Task RejectAsync(WebSocket socket, int statusCode, string message) =>
        RuntimeConnection.Require(socket, "HandshakeBinder.RejectAsync").RejectAsync(statusCode, message);
}
