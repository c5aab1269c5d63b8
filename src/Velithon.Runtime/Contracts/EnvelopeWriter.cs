using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Velithon.Contracts;

/// <summary>
/// Writes contract envelopes straight into a <see cref="Utf8JsonWriter"/> (the thread's pooled one, for a send): the
/// payload is serialized in place after <c>"payload":</c>, never into a buffer of its own first. The caller flushes.
/// </summary>
internal static class EnvelopeWriter
{
    private static readonly JsonEncodedText TypeProperty = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText IdProperty = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText PayloadProperty = JsonEncodedText.Encode("payload");
    private static readonly JsonEncodedText ErrorProperty = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText ErrorsProperty = JsonEncodedText.Encode("errors");

    /// <summary>The reserved type of a reply.</summary>
    public static readonly JsonEncodedText Reply = JsonEncodedText.Encode("reply");

    /// <summary>The reserved type of an error.</summary>
    public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");

    /// <summary>The reserved type of a cancellation.</summary>
    public static readonly JsonEncodedText Cancel = JsonEncodedText.Encode("cancel");

    /// <summary><c>{"type":type[,"id":id],"payload":payload}</c>; no id when <paramref name="id"/> is 0.</summary>
    public static void WriteMessage<T>(Utf8JsonWriter json, JsonEncodedText type, long id, T payload, JsonTypeInfo<T> typeInfo)
    {
        json.WriteStartObject();
        json.WriteString(TypeProperty, type);
        if (id != 0)
        {
            json.WriteNumber(IdProperty, id);
        }

        json.WritePropertyName(PayloadProperty);
        JsonSerializer.Serialize(json, payload, typeInfo);
        json.WriteEndObject();
    }

    /// <summary>
    /// <c>{"type":"error"[,"id":id],"error":text[,"errors":{member:[messages]}]}</c>: the members in the order of their
    /// first failure, each with its messages in order.
    /// </summary>
    public static void WriteError(Utf8JsonWriter json, long id, string error, ValidationErrors? errors)
    {
        json.WriteStartObject();
        json.WriteString(TypeProperty, Error);
        if (id != 0)
        {
            json.WriteNumber(IdProperty, id);
        }

        json.WriteString(ErrorProperty, error);
        if (errors is { Count: > 0 })
        {
            json.WriteStartObject(ErrorsProperty);
            var written = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < errors.Count; i++)
            {
                string member = errors[i].Key;
                if (!written.Add(member))
                {
                    continue;
                }

                json.WriteStartArray(member);
                for (int j = i; j < errors.Count; j++)
                {
                    if (string.Equals(errors[j].Key, member, StringComparison.Ordinal))
                    {
                        json.WriteStringValue(errors[j].Value);
                    }
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    /// <summary><c>{"type":"cancel","id":id}</c>.</summary>
    public static void WriteCancel(Utf8JsonWriter json, long id)
    {
        json.WriteStartObject();
        json.WriteString(TypeProperty, Cancel);
        json.WriteNumber(IdProperty, id);
        json.WriteEndObject();
    }
}
