using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Contracts;
using Velithon.Json;

namespace Velithon;

/// <summary>
/// Sending envelopes: each is written into the thread's pooled JSON writer, payload in place, and the connection
/// copies the bytes before its send returns, so nothing is allocated per message (as <c>SendJsonAsync</c> does).
/// </summary>
public abstract partial class ContractSocket
{
    /// <summary>Sends <c>{"type":type[,"id":id],"payload":...}</c>.</summary>
    internal ValueTask SendEnvelopeAsync<T>(JsonEncodedText type, long id, T payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        if (!_connection.WasAccepted)
        {
            return SendEnvelopeAfterAcceptAsync(type, id, payload, typeInfo, cancellationToken);
        }

        var writer = JsonMessageWriter.Rent();
        try
        {
            EnvelopeWriter.WriteMessage(writer.Json, type, id, payload, typeInfo);
            writer.Json.Flush();
            return _connection.SendSerializedTextAsync(writer.Buffer.WrittenMemory, cancellationToken);
        }
        finally
        {
            JsonMessageWriter.Return(writer);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendEnvelopeAfterAcceptAsync<T>(JsonEncodedText type, long id, T payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        await _connection.AcceptBeforeSendAsync().ConfigureAwait(false);
        await SendEnvelopeAsync(type, id, payload, typeInfo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <c>{"type":"error"[,"id":id],"error":error[,"errors":{...}]}</c>.</summary>
    internal ValueTask SendErrorAsync(long id, string error, ValidationErrors? errors)
    {
        if (!_connection.WasAccepted)
        {
            return SendErrorAfterAcceptAsync(id, error, errors);
        }

        var writer = JsonMessageWriter.Rent();
        try
        {
            EnvelopeWriter.WriteError(writer.Json, id, error, errors);
            writer.Json.Flush();
            return _connection.SendSerializedTextAsync(writer.Buffer.WrittenMemory, CancellationToken.None);
        }
        finally
        {
            JsonMessageWriter.Return(writer);
        }
    }

    private async ValueTask SendErrorAfterAcceptAsync(long id, string error, ValidationErrors? errors)
    {
        await _connection.AcceptBeforeSendAsync().ConfigureAwait(false);
        await SendErrorAsync(id, error, errors).ConfigureAwait(false);
    }

    /// <summary>Sends <c>{"type":"cancel","id":id}</c> on the accepted connection (a request went out, so it was accepted).</summary>
    internal ValueTask SendCancelAsync(long id)
    {
        var writer = JsonMessageWriter.Rent();
        try
        {
            EnvelopeWriter.WriteCancel(writer.Json, id);
            writer.Json.Flush();
            return _connection.SendSerializedTextAsync(writer.Buffer.WrittenMemory, CancellationToken.None);
        }
        finally
        {
            JsonMessageWriter.Return(writer);
        }
    }
}
