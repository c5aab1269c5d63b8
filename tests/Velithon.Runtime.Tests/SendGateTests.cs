using Velithon.Connections;

namespace Velithon.Runtime.Tests;

/// <summary>The send gate: one holder at a time, waiters served in order, cancellation leaks nothing.</summary>
public sealed class SendGateTests
{
    [Fact]
    public async Task ManyTasks_NeverHoldTheGateTogether()
    {
        var gate = new SendGate();
        int inside = 0;
        int maximum = 0;
        long total = 0;
        var tasks = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (int i = 0; i < 2_000; i++)
            {
                await gate.EnterAsync(CancellationToken.None);
                int now = Interlocked.Increment(ref inside);
                maximum = Math.Max(maximum, now);
                total++;
                if ((i + worker) % 7 == 0)
                {
                    await Task.Yield();
                }

                Interlocked.Decrement(ref inside);
                gate.Exit();
            }
        }));
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, maximum);
        Assert.Equal(16_000, total);
        Assert.True(gate.TryEnterFair());
    }

    [Fact]
    public async Task Waiters_AreServedInOrder()
    {
        var gate = new SendGate();
        Assert.True(gate.TryEnterFair());
        var first = gate.EnterAsync(CancellationToken.None).AsTask();
        var second = gate.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        gate.Exit();
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(second.IsCompleted);

        gate.Exit();
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        gate.Exit();
        Assert.True(gate.TryEnterFair());
    }

    [Fact]
    public async Task CanceledWaiter_LeavesTheGateUsable()
    {
        var gate = new SendGate();
        Assert.True(gate.TryEnterFair());
        using var cancel = new CancellationTokenSource();
        var waiting = gate.EnterAsync(cancel.Token).AsTask();
        var next = gate.EnterAsync(CancellationToken.None).AsTask();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        gate.Exit();
        await next.WaitAsync(TimeSpan.FromSeconds(30));
        gate.Exit();
        Assert.True(gate.TryEnterFair());
        Assert.False(gate.TryEnterFair());
    }
}
