using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Velithon.Connections;

namespace Velithon.Endpoints;

/// <summary>
/// The outcome of looking for a message's discriminator. Infrastructure: it exists for the dispatch Velithon's
/// generator writes and is hidden from IntelliSense; applications do not use it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum DiscriminatorResult
{
    /// <summary>The message is a JSON object with a string discriminator.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    Found,

    /// <summary>The message is not valid JSON, or not an object.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    Malformed,

    /// <summary>The message is an object without the discriminator, or with a non-string one.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    Missing,
}

/// <summary>
/// Helpers for the typed-message dispatch the generator writes for endpoints with
/// <see cref="OnMessageAttribute"/> methods: find the discriminator without allocating, deserialize
/// with source-generated metadata, and react to what cannot be dispatched as the options say. Infrastructure: it
/// exists for generated code and is hidden from IntelliSense; applications do not call it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonMessages
{
    /// <summary>
    /// Finds the top-level string property <paramref name="propertyName"/> of the JSON object in
    /// <paramref name="json"/>; on <see cref="DiscriminatorResult.Found"/>, <paramref name="value"/> is positioned on it
    /// so the caller can compare it with <c>ValueTextEquals</c>.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static DiscriminatorResult FindDiscriminator(ReadOnlySpan<byte> json, ReadOnlySpan<byte> propertyName, out Utf8JsonReader value)
    {
        value = default;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return DiscriminatorResult.Malformed;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isDiscriminator = reader.ValueTextEquals(propertyName);
                if (!reader.Read())
                {
                    return DiscriminatorResult.Malformed;
                }

                if (isDiscriminator)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return DiscriminatorResult.Missing;
                    }

                    // Compared and quoted later with ValueTextEquals and GetString, which would throw on an escape
                    // that is no UTF-16: refused here instead.
                    Contracts.EnvelopeReader.CheckUnescapes(ref reader);
                    value = reader;
                    return DiscriminatorResult.Found;
                }

                reader.Skip();
            }

            return reader.TokenType == JsonTokenType.EndObject ? DiscriminatorResult.Missing : DiscriminatorResult.Malformed;
        }
        catch (JsonException)
        {
            return DiscriminatorResult.Malformed;
        }
        catch (InvalidOperationException)
        {
            // A \u escape of half a surrogate pair in a property name or the discriminator (RFC 8259 section 8.2):
            // the reader refuses to unescape it.
            return DiscriminatorResult.Malformed;
        }
    }

    /// <summary>Deserializes <paramref name="json"/> with <paramref name="typeInfo"/>; false when it is not valid for the type.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static bool TryDeserialize<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo, [NotNullWhen(true)] out T? value)
    {
        try
        {
            value = JsonSerializer.Deserialize(json, typeInfo);
            return value is not null;
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            // NotSupportedException: a polymorphic abstract property without its type discriminator, for instance.
            value = default;
            return false;
        }
    }

    /// <summary>Reacts to a message that is not a JSON object, or is not valid for its type: 1007, or an error message.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static ValueTask RejectMalformedAsync(WebSocket socket, string discriminatorProperty, string? messageType) =>
        RejectAsync(
            socket,
            discriminatorProperty,
            WebSocketCloseCode.InvalidPayloadData,
            messageType is null
                ? "The message is not a JSON object."
                : $"The message is not valid JSON for the message type '{messageType}'.");

    /// <summary>Reacts to a message whose discriminator no method handles, or that has none: 1003, or an error message.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static ValueTask RejectUnknownAsync(WebSocket socket, string discriminatorProperty, string? messageType) =>
        RejectAsync(
            socket,
            discriminatorProperty,
            WebSocketCloseCode.UnsupportedData,
            messageType is null
                ? $"The message has no string property '{discriminatorProperty}'."
                : $"The message type '{messageType}' is not handled here.");

    private static async ValueTask RejectAsync(WebSocket socket, string discriminatorProperty, int closeCode, string reason)
    {
        var serverSocket = socket as ServerWebSocket;
        if (serverSocket is not null)
        {
            Log.InvalidMessage(serverSocket.Runtime.Logger, serverSocket.HttpContext.GetEndpoint()?.DisplayName ?? "?", reason);
        }

        // The route's policy: its [InvalidMessages] attribute, else the options'.
        var behavior = serverSocket?.Policy.InvalidMessageBehavior ?? InvalidMessageBehavior.Close;
        if (behavior == InvalidMessageBehavior.SendError)
        {
            string property = JsonEncodedText.Encode(discriminatorProperty).ToString();
            string error = JsonEncodedText.Encode(reason).ToString();
            await socket.SendTextAsync($$"""{"{{property}}":"error","error":"{{error}}"}""").ConfigureAwait(false);
            return;
        }

        // Close reasons are limited to 123 bytes (RFC 6455 section 5.5); the messages above fit unless a
        // client sent a very long type name, which is then cut.
        await socket.CloseAsync(closeCode, CloseReasonText.Fit(reason)).ConfigureAwait(false);
    }
}
