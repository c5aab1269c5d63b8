using System.IO.Pipelines;

namespace Velithon.Benchmarks.Micro;

/// <summary>A connection's transport made of two in-memory pipe ends, as Kestrel hands them to an upgrade.</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input => input;

    public PipeWriter Output => output;
}
