using System;
using System.ComponentModel;
using System.Text.Json;

namespace Velithon.Contracts;

/// <summary>
/// A received envelope of a typed contract whose <c>type</c> is one of the set's tags (not <c>reply</c>,
/// <c>error</c> or <c>cancel</c>, which the socket handles itself), read where it lies in the received message.
/// Infrastructure for the dispatch Velithon's generator writes; hidden from IntelliSense.
/// </summary>
/// <remarks>
/// A ref struct over the message's buffer: it lives only as long as the dispatch call it was given to, so the
/// payload is deserialized before the handler runs and nothing of the message is copied.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly ref struct ContractMessage
{
    // The type's JSON string token, quotes included, as received: compared raw unless it holds escapes.
    private readonly ReadOnlySpan<byte> _typeToken;
    private readonly bool _typeEscaped;

    internal ContractMessage(ReadOnlySpan<byte> typeToken, bool typeEscaped, long id, ReadOnlySpan<byte> payload)
    {
        _typeToken = typeToken;
        _typeEscaped = typeEscaped;
        Id = id;
        Payload = payload;
    }

    /// <summary>
    /// Whether the envelope's <c>type</c> is <paramref name="utf8Tag"/>, compared as text: a type written with JSON
    /// escapes (<c>"add\u002Dcard"</c>) equals its unescaped tag (RFC 8259 section 7). Allocates nothing.
    /// </summary>
    /// <param name="utf8Tag">The tag, as UTF-8 (a <c>"tag"u8</c> literal).</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public bool TypeEquals(ReadOnlySpan<byte> utf8Tag)
    {
        if (!_typeEscaped)
        {
            return _typeToken.Length == utf8Tag.Length + 2 && _typeToken[1..^1].SequenceEqual(utf8Tag);
        }

        // Rare: let the JSON reader unescape, as it compares without allocating.
        var reader = new Utf8JsonReader(_typeToken);
        reader.Read();
        return reader.ValueTextEquals(utf8Tag);
    }

    /// <summary>The envelope's <c>type</c>, unescaped. Allocates a string: for error texts and logs only.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public string Type
    {
        get
        {
            if (_typeToken.IsEmpty)
            {
                return string.Empty;
            }

            var reader = new Utf8JsonReader(_typeToken);
            reader.Read();
            return reader.GetString() ?? string.Empty;
        }
    }

    /// <summary>The envelope's <c>id</c>, an integer from 1 to 2^53-1; 0 when it has none.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public long Id { get; }

    /// <summary>The raw JSON of the envelope's <c>payload</c>, or <c>{}</c> when it has none.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ReadOnlySpan<byte> Payload { get; }
}
