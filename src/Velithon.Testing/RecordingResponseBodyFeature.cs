using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http.Features;

namespace Velithon.Testing;

/// <summary>
/// Passes the handshake's response body through to the test server and keeps a copy: the test server drops the
/// body of a refused WebSocket handshake, and that body is where Velithon says why it refused.
/// </summary>
internal sealed class RecordingResponseBodyFeature(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    private readonly ArrayBufferWriter<byte> _recorded = new();
    private RecordingStream? _stream;
    private PipeWriter? _writer;

    public Stream Stream => _stream ??= new RecordingStream(inner.Stream, _recorded);

    public PipeWriter Writer => _writer ??= PipeWriter.Create(Stream, new StreamPipeWriterOptions(leaveOpen: true));

    /// <summary>What the server wrote to the body so far, as UTF-8 text.</summary>
    public string RecordedText
    {
        get
        {
            lock (_recorded)
            {
                return Encoding.UTF8.GetString(_recorded.WrittenSpan);
            }
        }
    }

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        inner.SendFileAsync(path, offset, count, cancellationToken);

    public async Task CompleteAsync()
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync().ConfigureAwait(false);
        }

        await inner.CompleteAsync().ConfigureAwait(false);
    }

    private sealed class RecordingStream(Stream inner, ArrayBufferWriter<byte> recorded) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Record(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Record(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Record(ReadOnlySpan<byte> data)
        {
            lock (recorded)
            {
                recorded.Write(data);
            }
        }
    }
}
