using Velithon.Connections;
using Velithon.Protocol;

namespace Velithon.Runtime.Tests;

/// <summary>
/// <see cref="FrameWebSocket.CheckKeepAlive"/> given the times of the sweeps directly: what a sweep that runs late
/// (the process stalled) does to the peer's time to answer a ping.
/// </summary>
public sealed class KeepAliveCheckTests
{
    private const long Interval = 30_000;
    private const long Timeout = 30_000;

    [Fact]
    public async Task CheckKeepAlive_SweepLaterThanTheTimeout_GivesThePeerTheWholeTimeoutFromThePing()
    {
        using var transport = new MemoryStream();
        await using var socket = new FrameWebSocket(transport, isServer: true, subProtocol: null, deflate: null, abortTransport: null, new ConnectionClock(TimeProvider.System));
        long start = socket.KeepAlive.LastHeard;

        // The process stalled 40 s past the ping's due time; the first sweep after it writes the ping.
        long late = start + Interval + 40_000;
        Assert.False(socket.CheckKeepAlive(late, Interval, Timeout, receiving: true));
        Assert.NotEqual(0, transport.Length);

        // The sweeps queued behind it during the stall run a moment later: the peer has had no time to answer.
        Assert.False(socket.CheckKeepAlive(late + 1, Interval, Timeout, receiving: true));
        Assert.False(socket.CheckKeepAlive(late + Timeout - 1, Interval, Timeout, receiving: true));

        // A whole timeout after the ping, still nothing read from the peer: it is ended.
        Assert.True(socket.CheckKeepAlive(late + Timeout, Interval, Timeout, receiving: true));
    }

    [Fact]
    public async Task CheckKeepAlive_SweepsOnTime_EndsASilentPeerTheTimeoutAfterThePingWasDue()
    {
        using var transport = new MemoryStream();
        await using var socket = new FrameWebSocket(transport, isServer: true, subProtocol: null, deflate: null, abortTransport: null, new ConnectionClock(TimeProvider.System));
        long start = socket.KeepAlive.LastHeard;

        Assert.False(socket.CheckKeepAlive(start + Interval - 1, Interval, Timeout, receiving: true));
        Assert.Equal(0, transport.Length);
        Assert.False(socket.CheckKeepAlive(start + Interval, Interval, Timeout, receiving: true));
        Assert.NotEqual(0, transport.Length);
        Assert.False(socket.CheckKeepAlive(start + Interval + Timeout - 1, Interval, Timeout, receiving: true));
        Assert.True(socket.CheckKeepAlive(start + Interval + Timeout, Interval, Timeout, receiving: true));
    }

    [Fact]
    public async Task CheckKeepAlive_PeerHeardWhileItsPingIsAnsweredBehindAHeldWrite_NotEnded()
    {
        var transport = new HeldWriteStream();
        await using var socket = new FrameWebSocket(transport, isServer: true, subProtocol: null, deflate: null, abortTransport: null, new ConnectionClock(TimeProvider.System));
        long start = socket.KeepAlive.LastHeard;
        using var stop = new CancellationTokenSource();
        var receiving = socket.ReceiveMessageAsync(1024, callerDecodesText: false, stop.Token).AsTask();

        // The handler waits to receive; the peer is silent for the interval and the server pings it.
        Assert.False(socket.CheckKeepAlive(start + 1, Interval, Timeout, receiving: true));
        Assert.False(socket.CheckKeepAlive(start + 1 + Interval, Interval, Timeout, receiving: true));
        Assert.NotEqual(0, transport.Written);

        // The peer sends a ping of its own (masked with a zero key, section 5.3); its pong waits for the transport.
        transport.HoldWrites();
        transport.Deliver([0x89, 0x82, 0, 0, 0, 0, (byte)'h', (byte)'i']);
        await transport.WriteHeld.WaitAsync(TimeSpan.FromSeconds(30));

        // The peer's bytes were taken from the transport: it was heard, whatever its frame still waits for.
        Assert.False(socket.CheckKeepAlive(start + 1 + Interval + Timeout, Interval, Timeout, receiving: true));
        Assert.False(receiving.IsCompleted);

        // The pong goes out, and the receive, waiting for the next frame, is canceled.
        transport.Release();
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receiving.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
