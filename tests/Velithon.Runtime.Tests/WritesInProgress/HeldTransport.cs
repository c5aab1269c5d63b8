using System.Buffers;
using System.IO.Pipelines;

namespace Velithon.Runtime.Tests.WritesInProgress;

/// <summary>
/// A connection's own pipes, as Kestrel hands them out under an HTTP/1.1 upgrade: what the client sends arrives when
/// the test delivers it, and the output is a <see cref="HeldPipeWriter"/>.
/// </summary>
public sealed class HeldTransport : IDuplexPipe
{
    private readonly Pipe _incoming = new();

    public PipeReader Input => _incoming.Reader;

    public HeldPipeWriter Output { get; } = new();

    PipeWriter IDuplexPipe.Output => Output;

    /// <summary>Bytes from the client reach the connection.</summary>
    public void Deliver(byte[] bytes)
    {
        _incoming.Writer.Write(bytes);
        var flush = _incoming.Writer.FlushAsync();
        Assert.True(flush.IsCompletedSuccessfully, "A few bytes fit in the pipe at once.");
    }
}
