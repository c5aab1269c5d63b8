using System.IO.Pipelines;

namespace Velithon.Runtime.Tests;

/// <summary>
/// Passes writes on to <paramref name="inner"/> and keeps the largest span or memory size asked for: a pipe whose
/// pool has blocks of a fixed size (Kestrel's 4 KiB) serves a larger request from <c>ArrayPool.Shared</c> instead.
/// With <paramref name="largestSpan"/> it hands out no more than the size asked for or <paramref name="largestSpan"/>
/// bytes, whichever is larger: down to the least a <see cref="PipeWriter"/> may give (the size hint, and never empty).
/// </summary>
internal sealed class SizeHintRecordingPipeWriter(PipeWriter inner, int largestSpan = int.MaxValue) : PipeWriter
{
    /// <summary>The largest size hint passed to <see cref="GetSpan"/> or <see cref="GetMemory"/>, in bytes.</summary>
    public int LargestSizeHint { get; private set; }

    public override void Advance(int bytes) => inner.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        LargestSizeHint = Math.Max(LargestSizeHint, sizeHint);
        var memory = inner.GetMemory(sizeHint);
        return memory.Slice(0, Math.Min(memory.Length, Math.Max(sizeHint, largestSpan)));
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        LargestSizeHint = Math.Max(LargestSizeHint, sizeHint);
        var span = inner.GetSpan(sizeHint);
        return span.Slice(0, Math.Min(span.Length, Math.Max(sizeHint, largestSpan)));
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);
}
