using System;
using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using Microsoft.AspNetCore.Http;

namespace Velithon.Binding;

/// <summary>
/// Reads and parses handshake values for generated binding code. Every parse uses the invariant
/// culture, so a route means the same on every server.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class HandshakeBinder
{
    private const int MaxEchoedValueLength = 64;

    /// <summary>The value of route parameter <paramref name="name"/>, or <see langword="null"/>.</summary>
    public static string? GetRouteValue(HttpContext httpContext, string name) =>
        httpContext.Request.RouteValues.TryGetValue(name, out var value) ? value as string ?? value?.ToString() : null;

    /// <summary>The first value of query parameter <paramref name="name"/>, or <see langword="null"/> when absent.</summary>
    public static string? GetQueryValue(HttpContext httpContext, string name) =>
        httpContext.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>The value of header <paramref name="name"/> (several values joined with commas), or <see langword="null"/> when absent.</summary>
    public static string? GetHeaderValue(HttpContext httpContext, string name) =>
        httpContext.Request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

    /// <summary>Parses <paramref name="text"/> with <typeparamref name="T"/>'s <see cref="IParsable{TSelf}"/> implementation and the invariant culture.</summary>
    public static bool TryParse<T>(string? text, out T value)
        where T : IParsable<T> =>
        T.TryParse(text, CultureInfo.InvariantCulture, out value!);

    /// <summary>Parses an integer: digits with an optional sign and surrounding white space, nothing else.</summary>
    public static bool TryParseInteger<T>(string? text, out T value)
        where T : INumberBase<T> =>
        T.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value!);

    /// <summary>Parses a number with a '.' decimal point and an optional exponent; thousands separators are refused.</summary>
    public static bool TryParseFloat<T>(string? text, out T value)
        where T : INumberBase<T> =>
        T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value!);

    /// <summary>Parses an enum member by name, ignoring case; numbers and undefined values are refused.</summary>
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
    public static string MissingValue(string source, string name) =>
        $"The {source} parameter '{name}' is required.";

    /// <summary>The message of a 400 response for a value that does not parse.</summary>
    public static string InvalidValue(string source, string name, string? text, string expected)
    {
        string shown = text is null ? string.Empty
            : text.Length <= MaxEchoedValueLength ? text
            : string.Concat(text.AsSpan(0, MaxEchoedValueLength), "...");
        return $"The {source} parameter '{name}' has the value '{shown}', which is not {expected}.";
    }
}
