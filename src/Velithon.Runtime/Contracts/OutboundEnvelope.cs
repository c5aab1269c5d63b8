using System;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Velithon.Contracts;

/// <summary>
/// An envelope as a JSON value of its own, <c>{"type":type,"payload":...}</c>, for a broadcast: the hub serializes a
/// value once for all its connections and its backplane, so the envelope is serialized once too. Its metadata is made
/// by hand (<see cref="JsonMetadataServices"/>), as source-generated metadata is: no reflection.
/// </summary>
internal readonly struct OutboundEnvelope<T>(JsonEncodedText type, T payload, JsonTypeInfo<T> payloadTypeInfo)
{
    /// <summary>The metadata of the envelope of a <typeparamref name="T"/>, written by <see cref="Converter"/>.</summary>
    public static readonly JsonTypeInfo<OutboundEnvelope<T>> TypeInfo =
        JsonMetadataServices.CreateValueInfo<OutboundEnvelope<T>>(EnvelopeOptions.Instance, new Converter());

    public JsonEncodedText Type { get; } = type;

    public T Payload { get; } = payload;

    public JsonTypeInfo<T> PayloadTypeInfo { get; } = payloadTypeInfo;

    private sealed class Converter : JsonConverter<OutboundEnvelope<T>>
    {
        public override OutboundEnvelope<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("An outbound envelope is only written.");

        public override void Write(Utf8JsonWriter writer, OutboundEnvelope<T> value, JsonSerializerOptions options) =>
            EnvelopeWriter.WriteMessage(writer, value.Type, 0, value.Payload, value.PayloadTypeInfo);
    }
}

/// <summary>The options the envelopes' hand-made metadata belongs to: a resolver of nothing, since each payload brings its own metadata.</summary>
internal static class EnvelopeOptions
{
    public static readonly JsonSerializerOptions Instance = new() { TypeInfoResolver = JsonTypeInfoResolver.Combine() };
}
