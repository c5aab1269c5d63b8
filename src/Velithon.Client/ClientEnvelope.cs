using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Velithon;

/// <summary>A received envelope (docs/contracts.md, "The wire format"), its payload a slice of the message.</summary>
internal readonly struct ClientEnvelope
{
    private static readonly ReadOnlyMemory<byte> EmptyObject = "{}"u8.ToArray();

    public string Type { get; init; }

    /// <summary>The <c>id</c>, or 0 when absent or not an integer from 1 to 2^53-1.</summary>
    public long Id { get; init; }

    /// <summary>The raw <c>payload</c>, a slice of the message, or <c>{}</c> when absent.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    public string? Error { get; init; }

    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>Reads <paramref name="json"/>; false when it is not an object with a string <c>type</c>, which the client ignores.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> json, out ClientEnvelope envelope)
    {
        envelope = default;
        string? type = null;
        long id = 0;
        ReadOnlyMemory<byte> payload = EmptyObject;
        string? error = null;
        Dictionary<string, string[]>? errors = null;
        var reader = new Utf8JsonReader(json.Span);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                int start = (int)reader.TokenStartIndex;
                switch (name)
                {
                    case "type" when reader.TokenType == JsonTokenType.String:
                        type = reader.GetString();
                        break;
                    case "id" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value) && value is >= 1 and <= (1L << 53) - 1:
                        id = value;
                        break;
                    case "payload":
                        reader.Skip();
                        payload = json[start..(int)reader.BytesConsumed];
                        continue;
                    case "error" when reader.TokenType == JsonTokenType.String:
                        error = reader.GetString();
                        break;
                    case "errors" when reader.TokenType == JsonTokenType.StartObject:
                        errors = ReadErrors(ref reader);
                        continue;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return false;
        }

        if (type is null)
        {
            return false;
        }

        envelope = new ClientEnvelope { Type = type, Id = id, Payload = payload, Error = error, Errors = errors };
        return true;
    }

    // {"title":["The Title field is required."], "":["..."]}: each member's messages.
    private static Dictionary<string, string[]> ReadErrors(ref Utf8JsonReader reader)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string member = reader.GetString()!;
            reader.Read();
            var messages = new List<string>();
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        messages.Add(reader.GetString()!);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }

            errors[member] = [.. messages];
        }

        return errors;
    }
}
