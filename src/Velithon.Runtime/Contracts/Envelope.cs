using System;
using System.Text.Json;

namespace Velithon.Contracts;

/// <summary>The parts of a received envelope, as slices of the message: what <see cref="EnvelopeReader"/> found.</summary>
internal readonly ref struct Envelope
{
    public Envelope(ReadOnlySpan<byte> typeToken, bool typeEscaped, long id, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> errorToken)
    {
        TypeToken = typeToken;
        TypeEscaped = typeEscaped;
        Id = id;
        Payload = payload;
        ErrorToken = errorToken;
    }

    /// <summary>The <c>type</c> string token, quotes included.</summary>
    public ReadOnlySpan<byte> TypeToken { get; }

    public bool TypeEscaped { get; }

    /// <summary>The <c>id</c>, or 0 when absent.</summary>
    public long Id { get; }

    /// <summary>The raw <c>payload</c> value, or <c>{}</c> when absent.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The <c>error</c> string token, quotes included, or empty.</summary>
    public ReadOnlySpan<byte> ErrorToken { get; }

    public ContractMessage ToMessage() => new(TypeToken, TypeEscaped, Id, Payload);

    /// <summary>The <c>error</c> text of an error envelope, unescaped; null when it has none.</summary>
    public string? GetErrorText()
    {
        if (ErrorToken.IsEmpty)
        {
            return null;
        }

        var reader = new Utf8JsonReader(ErrorToken);
        reader.Read();
        return reader.GetString();
    }
}
