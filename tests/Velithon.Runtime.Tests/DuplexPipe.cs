using System.IO.Pipelines;

namespace Velithon.Runtime.Tests;

/// <summary>A transport made of the two pipe ends a test chose, as Kestrel's connection hands them to an upgrade.</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input => input;

    public PipeWriter Output => output;
}
