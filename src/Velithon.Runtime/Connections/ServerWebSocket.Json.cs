using System;
using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Buffers;
using Velithon.Json;

namespace Velithon.Connections;

/// <summary>JSON messages: serialized into the connection's pooled buffer, read from the received message, and the client's invalid JSON told apart from the server's own.</summary>
internal sealed partial class ServerWebSocket
{
    /// <inheritdoc />
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Overrides WebSocket's JSON overloads.")]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override ValueTask SendJsonAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (_socket is null)
        {
            return SendJsonAfterAcceptAsync(value, typeInfo, cancellationToken);
        }

        // Serialized into the thread's writer, which the socket copies from before SendCoreAsync returns: nothing of
        // the connection's is shared with a send still running (a background send outliving its handler included).
        var writer = JsonMessageWriter.Rent();
        try
        {
            JsonSerializer.Serialize(writer.Json, value, typeInfo);
            writer.Json.Flush();
            return SendCoreAsync(writer.Buffer.WrittenMemory, WebSocketMessageType.Text, cancellationToken);
        }
        finally
        {
            JsonMessageWriter.Return(writer);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendJsonAfterAcceptAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        await AcceptImplicitlyAsync().ConfigureAwait(false);
        await SendJsonAsync(value, typeInfo, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Overrides WebSocket's JSON overloads.")]
    [RequiresUnreferencedCode(JsonWithoutTypeInfo)]
    [RequiresDynamicCode(JsonWithoutTypeInfo)]
    public override ValueTask SendJsonAsync<T>(T value, CancellationToken cancellationToken = default) =>
        SendJsonAsync(value, GetJsonTypeInfo<T>(), cancellationToken);

    /// <inheritdoc />
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Overrides WebSocket's JSON overloads.")]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<T?> ReceiveJsonAsync<T>(JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
        where T : default
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var message = await ReceiveMessageAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(message.Data.Span, typeInfo);
        }
        catch (JsonException exception)
        {
            // Classified here, where it arises: the client's data, not the server's code.
            throw new InvalidClientJsonException(typeInfo.Type.Name, exception);
        }
    }

    /// <inheritdoc />
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Overrides WebSocket's JSON overloads.")]
    [RequiresUnreferencedCode(JsonWithoutTypeInfo)]
    [RequiresDynamicCode(JsonWithoutTypeInfo)]
    public override ValueTask<T?> ReceiveJsonAsync<T>(CancellationToken cancellationToken = default)
        where T : default =>
        ReceiveJsonAsync(GetJsonTypeInfo<T>(), cancellationToken);

    [RequiresUnreferencedCode(JsonWithoutTypeInfo)]
    [RequiresDynamicCode(JsonWithoutTypeInfo)]
    private JsonTypeInfo<T> GetJsonTypeInfo<T>() => _runtime.Json.GetTypeInfo<T>();
}
