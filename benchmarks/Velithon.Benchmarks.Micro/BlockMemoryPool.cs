using System.Buffers;

namespace Velithon.Benchmarks.Micro;

/// <summary>
/// A pool of fixed 4 KiB blocks, as Kestrel's pinned block pool: a pipe built on it serves a span larger than a block
/// from <see cref="ArrayPool{T}.Shared"/> instead, as Kestrel's output pipe does.
/// </summary>
internal sealed class BlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 4096;

    // A stack under a lock: ConcurrentStack would allocate a node for every block given back.
    private readonly Stack<Block> _blocks = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        lock (_blocks)
        {
            return _blocks.TryPop(out var block) ? block : new Block(this);
        }
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Block(BlockMemoryPool pool) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = new byte[BlockSize];

        public void Dispose()
        {
            lock (pool._blocks)
            {
                pool._blocks.Push(this);
            }
        }
    }
}
