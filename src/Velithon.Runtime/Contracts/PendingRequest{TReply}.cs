using System;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;

namespace Velithon.Contracts;

/// <summary>A pending request whose reply is a <typeparamref name="TReply"/>.</summary>
internal sealed class PendingRequest<TReply>(JsonEncodedText type, JsonTypeInfo<TReply> replyTypeInfo) : PendingRequest(type)
{
    // Continuations run asynchronously: the reply arrives inside the socket's receive loop, which must not run the
    // requester's code (it may itself wait for that loop).
    private readonly TaskCompletionSource<TReply> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TReply> Task => _completion.Task;

    public override void SetReply(ReadOnlySpan<byte> payload)
    {
        TReply? reply;
        try
        {
            reply = JsonSerializer.Deserialize(payload, replyTypeInfo);
        }
        catch (Exception exception)
        {
            // Whatever the reply's deserialization throws (JsonException, NotSupportedException for a polymorphic
            // property without its discriminator, a constructor's own check), it is this request's failure: it was
            // taken out of the table, so no one else completes it, and the receive loop that read it must go on.
            SetException(new WebSocketRequestException(
                $"The reply to the '{Type}' request (id {Id}) is not valid JSON for {replyTypeInfo.Type.Name}: {exception.Message}", exception));
            return;
        }

        if (reply is null)
        {
            SetException(new WebSocketRequestException($"The reply to the '{Type}' request (id {Id}) is null; a {replyTypeInfo.Type.Name} was expected."));
            return;
        }

        StopWatching();
        _completion.TrySetResult(reply);
    }

    public override void SetException(Exception exception)
    {
        StopWatching();
        _completion.TrySetException(exception);
    }

    public override void SetCanceled(CancellationToken cancellationToken)
    {
        StopWatching();
        _completion.TrySetCanceled(cancellationToken);
    }
}
