using System.IO.Pipelines;

namespace Velithon.Runtime.Tests;

/// <summary>
/// Passes writes on to <paramref name="inner"/> until <paramref name="breakAfter"/> bytes were advanced; after that it
/// either throws <see cref="IOException"/> from <see cref="GetSpan"/> and <see cref="GetMemory"/> (a transport that
/// failed in the middle of a frame) or, with <paramref name="shortSpans"/>, hands out 3 bytes whatever was asked for (a
/// writer that breaks the <see cref="PipeWriter"/> contract).
/// </summary>
internal sealed class BreakingPipeWriter(PipeWriter inner, int breakAfter, bool shortSpans) : PipeWriter
{
    private int _advanced;

    public override void Advance(int bytes)
    {
        _advanced += bytes;
        inner.Advance(bytes);
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        var memory = inner.GetMemory(sizeHint);
        return Broken() ? memory.Slice(0, Math.Min(3, memory.Length)) : memory;
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        var span = inner.GetSpan(sizeHint);
        return Broken() ? span.Slice(0, Math.Min(3, span.Length)) : span;
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    private bool Broken()
    {
        if (_advanced < breakAfter)
        {
            return false;
        }

        return shortSpans ? true : throw new IOException("The transport failed in the middle of a frame.");
    }
}
