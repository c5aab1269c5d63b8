using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Velithon.Connections;

/// <summary>
/// Lets one send at a time onto a connection, as the framework's WebSocket requires. Entering and leaving
/// when nobody else is sending is one interlocked operation each (a <see cref="SemaphoreSlim"/> takes a
/// monitor twice, about 60 ns per message); waiters queue in order and are handed the gate directly.
/// </summary>
internal sealed class SendGate
{
    private readonly object _lock = new();

    // Created on first contention: most connections never have two senders at once.
    private LinkedList<TaskCompletionSource>? _waiters;
    private int _free = 1;
    private int _waiting;

    /// <summary>Enters if the gate is free and nobody waits for it: a caller never overtakes one already queued.</summary>
    public bool TryEnterFair() => Volatile.Read(ref _waiting) == 0 && TryEnter();

    public ValueTask EnterAsync(CancellationToken cancellationToken) =>
        TryEnterFair() ? default : EnterSlowAsync(cancellationToken);

    private bool TryEnter() => Interlocked.CompareExchange(ref _free, 0, 1) == 1;

    public void Exit()
    {
        Interlocked.Exchange(ref _free, 1);

        // A waiter counts itself before its last try, and this reads the count after freeing the gate:
        // either the waiter's try succeeds or this sees it waiting (both sides use full fences).
        while (Volatile.Read(ref _waiting) > 0)
        {
            lock (_lock)
            {
                if (!TryEnter())
                {
                    return;
                }

                var first = _waiters?.First;
                if (first is not null)
                {
                    _waiters!.RemoveFirst();
                    Interlocked.Decrement(ref _waiting);
                    first.Value.TrySetResult();
                    return;
                }

                Interlocked.Exchange(ref _free, 1);
            }
        }
    }

    private async ValueTask EnterSlowAsync(CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            Interlocked.Increment(ref _waiting);
            if (TryEnter())
            {
                Interlocked.Decrement(ref _waiting);
                return;
            }

            node = (_waiters ??= new LinkedList<TaskCompletionSource>()).AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        using (cancellationToken.Register(static (state, token) => ((SendGate)((object[])state!)[0]).Cancel((LinkedListNode<TaskCompletionSource>)((object[])state!)[1], token), new object[] { this, node }))
        {
            await node.Value.Task.ConfigureAwait(false);
        }
    }

    private void Cancel(LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Still queued: withdraw. Already handed the gate: the waiter owns it and will exit it.
            if (node.List is not null)
            {
                _waiters!.Remove(node);
                Interlocked.Decrement(ref _waiting);
                node.Value.TrySetCanceled(cancellationToken);
            }
        }
    }
}
