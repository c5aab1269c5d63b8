using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Velithon.Runtime.Tests;

/// <summary>
/// On Kestrel an HTTP/1.1 connection's frames go on the connection's own pipes, under Kestrel's upgrade stream; a
/// middleware that replaced the upgrade feature (to watch or wrap the stream) still gets every frame through its
/// stream.
/// </summary>
public sealed class ReplacedUpgradeFeatureTests
{
    [Fact]
    public async Task AReplacedUpgradeFeature_CarriesTheFramesBothWays()
    {
        var counts = new Counts();
        await using var server = await TestServer.StartAsync(mapMore: app => app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
            {
                context.Features.Set<IHttpUpgradeFeature>(new CountingUpgradeFeature(upgrade, counts));
            }

            return next(context);
        }));

        using var client = await Client.ConnectAsync(server.Url("/text-send/relay"));
        byte[] text = Encoding.UTF8.GetBytes("through the stream");
        await client.SendAsync(text, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var (type, data) = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal(text, data);

        // The client's frame (masked: 2 + 4 bytes of header) was read, and the server's (2 bytes) written, through it.
        Assert.True(Interlocked.Read(ref counts.Read) >= 6 + text.Length, $"read {counts.Read}");
        Assert.True(Interlocked.Read(ref counts.Written) >= 2 + text.Length, $"written {counts.Written}");
    }

    private sealed class Counts
    {
        public long Read;
        public long Written;
    }

    private sealed class CountingUpgradeFeature(IHttpUpgradeFeature inner, Counts counts) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync() => new CountingStream(await inner.UpgradeAsync(), counts);
    }

    private sealed class CountingStream(Stream inner, Counts counts) : Stream
    {
        public override bool CanRead => true;

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

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await inner.ReadAsync(buffer, cancellationToken);
            Interlocked.Add(ref counts.Read, read);
            return read;
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Interlocked.Add(ref counts.Written, buffer.Length);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
