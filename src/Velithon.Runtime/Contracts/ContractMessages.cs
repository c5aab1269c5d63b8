using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Velithon.Connections;

namespace Velithon.Contracts;

/// <summary>
/// Helpers for the dispatch Velithon's generator writes for a typed contract: deserialize a payload, answer a message
/// that cannot be dispatched as the route's <see cref="InvalidMessagesAttribute"/> policy says (a close, or an
/// <c>error</c> envelope), and send a request handler's reply. Infrastructure, hidden from IntelliSense.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ContractMessages
{
    /// <summary>
    /// Deserializes the payload of <paramref name="message"/>; false when it is not valid JSON for <typeparamref name="T"/>,
    /// or null. An exception the case's own code throws while it is built (a constructor's check) is not caught.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static bool TryDeserialize<T>(in ContractMessage message, JsonTypeInfo<T> typeInfo, [NotNullWhen(true)] out T? value)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        try
        {
            value = JsonSerializer.Deserialize(message.Payload, typeInfo);
            return value is not null;
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            // NotSupportedException is how the serializer refuses some JSON too: an object without its type
            // discriminator where a polymorphic abstract type is due, or any object for an interface property.
            value = default;
            return false;
        }
    }

    /// <summary>
    /// Answers a message whose type no handler of the route takes: closes with 1003 (unsupported data), or sends an
    /// <c>error</c> envelope (with the message's id, when it has one) and goes on.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static ValueTask RejectUnknownAsync(ContractSocket socket, in ContractMessage message)
    {
        ArgumentNullException.ThrowIfNull(socket);
        string type = message.Type;
        return RejectAsync(socket, WebSocketCloseCode.UnsupportedData, $"The message type '{type}' is not handled here.", message.Id, null, null);
    }

    /// <summary>
    /// Answers a message whose payload is not valid for its case, or a request without an id: closes with 1007
    /// (invalid payload data), or sends an <c>error</c> envelope and goes on.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static ValueTask RejectMalformedAsync(ContractSocket socket, in ContractMessage message)
    {
        ArgumentNullException.ThrowIfNull(socket);
        string type = message.Type;
        string reason = message.Id == 0
            ? $"The '{type}' message has an invalid payload, or is a request without an id."
            : $"The '{type}' message has an invalid payload.";
        return RejectAsync(socket, WebSocketCloseCode.InvalidPayloadData, reason, message.Id, null, null);
    }

    /// <summary>
    /// Answers a message that failed validation: closes with 1007 and a reason naming the members (within 123 bytes), or
    /// sends an <c>error</c> envelope whose <c>errors</c> object lists each member's messages, and goes on.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> or <paramref name="errors"/> is null.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static ValueTask RejectInvalidAsync(ContractSocket socket, in ContractMessage message, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(errors);
        string type = message.Type;
        return RejectAsync(socket, WebSocketCloseCode.InvalidPayloadData, $"The '{type}' message is invalid.", message.Id, errors, InvalidReason(type, errors));
    }

    /// <summary>
    /// Sends the reply of a request handler, <c>{"type":"reply","id":n,"payload":...}</c>, once it completes; when it
    /// completed at once, without an async state machine. A handler that throws <see cref="WebSocketRequestException"/>
    /// answers <c>{"type":"error","id":n,"error":message}</c> instead, and the connection stays open; any other
    /// exception escapes, as a handler's does. A request without an id (which generated code rejects before the
    /// handler runs) gets no reply: it is rejected as malformed once the handler is done.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static ValueTask ReplyAsync<TReply>(ContractSocket socket, in ContractMessage message, ValueTask<TReply> reply, JsonTypeInfo<TReply> replyTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(replyTypeInfo);
        long id = message.Id;
        if (reply.IsCompletedSuccessfully && id != 0)
        {
            return socket.SendEnvelopeAsync(EnvelopeWriter.Reply, id, reply.Result, replyTypeInfo, CancellationToken.None);
        }

        // The message's bytes are gone once this returns: what is needed later is taken now.
        return ReplyLaterAsync(socket, id, id == 0 ? message.Type : null, reply, replyTypeInfo);
    }

    /// <summary>As <see cref="ReplyAsync{TReply}(ContractSocket, in ContractMessage, ValueTask{TReply}, JsonTypeInfo{TReply})"/>, for a handler returning <see cref="Task{TResult}"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static ValueTask ReplyAsync<TReply>(ContractSocket socket, in ContractMessage message, Task<TReply> reply, JsonTypeInfo<TReply> replyTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return ReplyAsync(socket, in message, new ValueTask<TReply>(reply), replyTypeInfo);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask ReplyLaterAsync<TReply>(ContractSocket socket, long id, string? typeWithoutId, ValueTask<TReply> reply, JsonTypeInfo<TReply> replyTypeInfo)
    {
        TReply result;
        try
        {
            result = await reply.ConfigureAwait(false);
        }
        catch (WebSocketRequestException exception) when (id != 0)
        {
            await socket.SendErrorAsync(id, exception.Message, null).ConfigureAwait(false);
            return;
        }

        if (id == 0)
        {
            await RejectAsync(socket, WebSocketCloseCode.InvalidPayloadData, $"The '{typeWithoutId}' message is a request and needs an id.", 0, null, null).ConfigureAwait(false);
            return;
        }

        await socket.SendEnvelopeAsync(EnvelopeWriter.Reply, id, result, replyTypeInfo, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers what cannot be dispatched as the route's policy says: with SendError, an <c>error</c> envelope (with
    /// <paramref name="id"/> when not 0, so the client's request fails); with Close, <paramref name="closeCode"/> and
    /// <paramref name="closeReason"/> (else <paramref name="error"/>), fitted into 123 bytes.
    /// </summary>
    internal static ValueTask RejectAsync(ContractSocket socket, int closeCode, string error, long id, ValidationErrors? errors, string? closeReason)
    {
        var connection = socket.Connection;
        Log.InvalidMessage(connection.Runtime.Logger, connection.HttpContext.GetEndpoint()?.DisplayName ?? connection.HandlerName, error);
        if (connection.Policy.InvalidMessageBehavior == InvalidMessageBehavior.SendError)
        {
            return socket.SendErrorAsync(id, error, errors);
        }

        return new ValueTask(connection.CloseAsync(closeCode, CloseReasonText.Fit(closeReason ?? error)));
    }

    /// <summary>"Invalid 'add-card': title, column": the members that failed, each once, in the order found.</summary>
    private static string InvalidReason(string type, ValidationErrors errors)
    {
        var reason = new StringBuilder("Invalid '").Append(type).Append('\'');
        string separator = ": ";
        for (int i = 0; i < errors.Count; i++)
        {
            string member = errors[i].Key.Length == 0 ? "(message)" : errors[i].Key;
            bool seen = false;
            for (int j = 0; j < i && !seen; j++)
            {
                seen = string.Equals(errors[j].Key, errors[i].Key, StringComparison.Ordinal);
            }

            if (!seen)
            {
                reason.Append(separator).Append(member);
                separator = ", ";
            }
        }

        return reason.ToString();
    }
}
