using System.Buffers.Binary;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Velithon.Connections;
using Velithon.Groups;
using Velithon.Hosting;

namespace Velithon.Runtime.Tests;

/// <summary>
/// What every connection pays outside its messages, kept to what it uses: the user id read without making a principal
/// for an anonymous request, the hub's registry keyed by the connection id's sequence (its string written only when
/// read), and the disconnect's message written only when read. Connections here are accepted over an in-memory
/// upgrade, whose client sends a close frame (RFC 6455 section 5.5.1) and nothing else.
/// </summary>
public sealed class ConnectionLifeTests
{
    private static readonly Lazy<VelithonRuntime> Runtime = new(() => new ServiceCollection()
        .AddLogging()
        .AddSingleton<IHostApplicationLifetime, HostLifetime>()
        .AddVelithon().Services
        .BuildServiceProvider()
        .GetRequiredService<VelithonRuntime>());

    [Fact]
    public async Task Accept_OfAnAnonymousRequest_MakesNoPrincipal_AndAnAuthenticatedOneHasItsNameIdentifier()
    {
        var anonymous = Accept(out var anonymousContext);
        Assert.Null(anonymous.UserId);

        // HttpContext.User would have set an empty principal on a new authentication feature.
        Assert.Null(anonymousContext.Features.Get<IHttpAuthenticationFeature>());

        var ann = Accept(out _, new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "ann")], "Test")));
        Assert.Equal("ann", ann.UserId);

        // Authenticated, but without the claim: no user id, as before.
        var nameless = Accept(out _, new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "Ann")], "Test")));
        Assert.Null(nameless.UserId);

        foreach (var socket in new[] { anonymous, ann, nameless })
        {
            await socket.CompleteAsync();
        }
    }

    [Fact]
    public void ConnectionIds_EachSequenceHasOneString_AndOnlyThatStringNamesIt()
    {
        var ids = new ConnectionIds();
        Assert.Equal(ids.ServerId + ".1", ids.Format(1));
        Assert.Equal(ids.ServerId + ".3e8", ids.Format(1000));
        Assert.Equal(ids.ServerId + ".7fffffffffffffff", ids.Format(long.MaxValue));
        foreach (long sequence in new[] { 1L, 15, 16, 1000, 0x1234_5678_9abcL, long.MaxValue })
        {
            Assert.True(ids.TryGetSequence(ids.Format(sequence), out long parsed));
            Assert.Equal(sequence, parsed);
        }

        Assert.Equal(1, ids.NextSequence());
        Assert.Equal(ids.ServerId + ".2", ids.Next());

        // Another server's id, a leading zero, uppercase, a sequence beyond a long, zero, and no sequence at all.
        string other = new ConnectionIds().ServerId;
        foreach (string id in new[] { other + ".1", ids.ServerId + ".01", ids.ServerId + ".3E8", ids.ServerId + ".8000000000000000", ids.ServerId + ".10000000000000000", ids.ServerId + ".0", ids.ServerId + ".", ids.ServerId, "" })
        {
            Assert.False(ids.TryGetSequence(id, out _), id);
        }
    }

    [Fact]
    public async Task Registry_FindsAnAcceptedConnectionByItsId_WritesTheIdOnlyWhenRead_AndForgetsItAtTheEnd()
    {
        var hub = Runtime.Value.Hub;
        var socket = Accept(out _);
        Assert.True(socket.ConnectionSequenceIfAssigned > 0);
        Assert.Null(socket.ConnectionIdIfAssigned);

        string id = socket.ConnectionId;
        Assert.Same(id, socket.ConnectionIdIfAssigned);
        Assert.Equal(hub.Ids.Format(socket.ConnectionSequenceIfAssigned), id);
        Assert.True(hub.TryGetLocalConnection(id, out var found));
        Assert.Same(socket, found);

        // The same sequence written another way names no connection.
        string sequence = id[(ConnectionIds.ServerIdLength + 1)..];
        Assert.False(hub.TryGetLocalConnection(id[..(ConnectionIds.ServerIdLength + 1)] + "0" + sequence, out _));
        Assert.False(hub.TryGetLocalConnection(id.ToUpperInvariant(), out _));

        await socket.CompleteAsync();
        Assert.False(hub.TryGetLocalConnection(id, out _));
        Assert.DoesNotContain(socket, hub.GetConnections());
    }

    [Fact]
    public void DisconnectException_WritesItsMessageFromTheCodeAndReason()
    {
        var plain = new WebSocketDisconnectException(WebSocketCloseCode.NormalClosure);
        Assert.Equal("The WebSocket connection closed with code 1000.", plain.Message);
        Assert.Same(plain.Message, plain.Message);
        Assert.Contains("The WebSocket connection closed with code 1000.", plain.ToString(), StringComparison.Ordinal);

        var inner = new InvalidOperationException("gone");
        var withReason = new WebSocketDisconnectException(WebSocketCloseCode.GoingAway, "bye", inner);
        Assert.Equal("The WebSocket connection closed with code 1001: bye", withReason.Message);
        Assert.Equal("bye", withReason.Reason);
        Assert.Same(inner, withReason.InnerException);
        Assert.Equal(string.Empty, new WebSocketDisconnectException(1006, null).Reason);
    }

    /// <summary>Accepts a connection over an in-memory upgrade (as <paramref name="user"/> when given); its client only closes.</summary>
    private static ServerWebSocket Accept(out DefaultHttpContext context, ClaimsPrincipal? user = null)
    {
        context = new DefaultHttpContext();
        if (user is not null)
        {
            context.User = user;
        }

        context.Request.Headers.SecWebSocketKey = "dGhlIHNhbXBsZSBub25jZQ==";
        context.Features.Set<IHttpUpgradeFeature>(new UpgradeFeature(new CloseOnlyStream()));
        var socket = new ServerWebSocket(context, Runtime.Value);
        socket.AcceptAsync().GetAwaiter().GetResult();
        return socket;
    }

    private sealed class HostLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }

    private sealed class UpgradeFeature(Stream transport) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => true;

        public Task<Stream> UpgradeAsync() => Task.FromResult(transport);
    }

    /// <summary>Reads a masked close frame with code 1000, then the end of the stream; discards writes. Synchronous.</summary>
    private sealed class CloseOnlyStream : Stream
    {
        private readonly MemoryStream _input = new(CloseFrame());

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(_input.Read(buffer.Span));

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => default;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private static byte[] CloseFrame()
        {
            var frame = new byte[2 + 4 + 2];
            frame[0] = 0x88;
            frame[1] = 0x80 | 2;
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(2), 0x01020304);
            frame[6] = 0x03 ^ 0x01;
            frame[7] = 0xE8 ^ 0x02;
            return frame;
        }
    }
}
