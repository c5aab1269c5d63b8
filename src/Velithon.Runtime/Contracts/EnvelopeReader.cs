using System;
using System.Buffers;
using System.Text.Json;

namespace Velithon.Contracts;

/// <summary>
/// Reads a contract envelope, <c>{"type":"tag","id":7,"payload":{...}}</c>, from a received text message with a
/// <see cref="Utf8JsonReader"/> over its bytes: the type, id and payload come back as slices of the message, so
/// nothing is allocated or copied. Properties may come in any order and unknown ones are skipped.
/// </summary>
internal static class EnvelopeReader
{
    /// <summary>The largest id: 2^53-1, the largest integer a JavaScript client's number holds exactly.</summary>
    public const long MaxId = (1L << 53) - 1;

    private static ReadOnlySpan<byte> EmptyObject => "{}"u8;

    /// <summary>Reads <paramref name="json"/>; on <see cref="EnvelopeKind.Message"/> and the reserved kinds, <paramref name="envelope"/> holds its parts.</summary>
    public static EnvelopeKind Read(ReadOnlySpan<byte> json, out Envelope envelope)
    {
        envelope = default;
        var reader = new Utf8JsonReader(json);
        ReadOnlySpan<byte> typeToken = default;
        bool typeEscaped = false;
        bool typeIsString = false;
        bool hasType = false;
        long id = 0;
        bool badId = false;
        ReadOnlySpan<byte> payload = default;
        ReadOnlySpan<byte> errorToken = default;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return EnvelopeKind.NotAnObject;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = Property(ref reader);
                if (!reader.Read())
                {
                    return EnvelopeKind.NotAnObject;
                }

                int start = (int)reader.TokenStartIndex;
                switch (property)
                {
                    case EnvelopeProperty.Type:
                        hasType = true;
                        typeIsString = reader.TokenType == JsonTokenType.String;
                        if (typeIsString)
                        {
                            // The token with its quotes: the raw (escaped) value plus two bytes.
                            typeToken = json.Slice(start, reader.ValueSpan.Length + 2);
                            typeEscaped = reader.ValueIsEscaped;
                            CheckUnescapes(ref reader);
                        }

                        break;
                    case EnvelopeProperty.Id:
                        badId = !(reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out id) && id is >= 1 and <= MaxId);
                        break;
                    case EnvelopeProperty.Payload:
                        reader.Skip();
                        payload = json[start..(int)reader.BytesConsumed];
                        continue;
                    case EnvelopeProperty.Error when reader.TokenType == JsonTokenType.String:
                        errorToken = json.Slice(start, reader.ValueSpan.Length + 2);
                        CheckUnescapes(ref reader);
                        break;
                    case EnvelopeProperty.Error:
                        errorToken = default;
                        break;
                }

                // A value of another kind (an object where a string was due) is passed over whole.
                reader.Skip();
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                // Truncated, or something after the object: the reader throws on the latter already.
                return EnvelopeKind.NotAnObject;
            }
        }
        catch (JsonException)
        {
            return EnvelopeKind.NotAnObject;
        }
        catch (InvalidOperationException)
        {
            // A \u escape of half a surrogate pair, which RFC 8259 section 8.2 lets through but is no text: the reader
            // refuses to unescape it (a property name, the type or the error), so the message is not an envelope.
            return EnvelopeKind.NotAnObject;
        }

        if (!hasType || !typeIsString)
        {
            return EnvelopeKind.NoType;
        }

        if (badId)
        {
            return EnvelopeKind.BadId;
        }

        var kind = Classify(typeToken, typeEscaped);
        if (kind != EnvelopeKind.Message && kind != EnvelopeKind.Error && id == 0)
        {
            // A reply or cancel names the request it is about.
            return EnvelopeKind.BadId;
        }

        envelope = new Envelope(typeToken, typeEscaped, id, payload.IsEmpty ? EmptyObject : payload, errorToken);
        return kind;
    }

    /// <summary>
    /// Unescapes the current string once, so that a type or error text that is no UTF-16 (a lone surrogate's escape) is
    /// refused here, as <see cref="InvalidOperationException"/>, rather than where the dispatch compares or reads it.
    /// Unescaped text is never longer than its escaped form; a plain string needs no work.
    /// </summary>
    internal static void CheckUnescapes(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return;
        }

        int length = reader.ValueSpan.Length;
        byte[]? rented = null;
        Span<byte> buffer = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            reader.CopyString(buffer);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static EnvelopeKind Classify(ReadOnlySpan<byte> typeToken, bool typeEscaped)
    {
        var message = new ContractMessage(typeToken, typeEscaped, 0, default);
        return message.TypeEquals("reply"u8) ? EnvelopeKind.Reply
            : message.TypeEquals("error"u8) ? EnvelopeKind.Error
            : message.TypeEquals("cancel"u8) ? EnvelopeKind.Cancel
            : EnvelopeKind.Message;
    }

    private static EnvelopeProperty Property(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("type"u8) ? EnvelopeProperty.Type
        : reader.ValueTextEquals("id"u8) ? EnvelopeProperty.Id
        : reader.ValueTextEquals("payload"u8) ? EnvelopeProperty.Payload
        : reader.ValueTextEquals("error"u8) ? EnvelopeProperty.Error
        : EnvelopeProperty.Other;

    private enum EnvelopeProperty
    {
        Other,
        Type,
        Id,
        Payload,
        Error,
    }
}
