using System.Net;
using System.Net.Sockets;

namespace Velithon.Benchmarks.ScaleOut;

/// <summary>
/// A loopback TCP proxy between one Velithon server and Redis that counts what Redis sends that server: its pub/sub
/// messages and bytes (<see cref="PushCounter"/>, one per connection the client library opens, summed). Redis 7.0
/// keeps no per-client message count, and the one-channel backplane has no metrics, so the count is taken on the wire,
/// the same way for both designs.
/// </summary>
public sealed class CountingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly List<PushCounter> _counters = [];
    private readonly List<TcpClient> _sockets = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public CountingProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Pub/sub messages Redis sent through this proxy, over all its connections.</summary>
    public long Messages
    {
        get
        {
            lock (_counters)
            {
                return _counters.Sum(counter => counter.Messages);
            }
        }
    }

    /// <summary>Bytes Redis sent through this proxy, over all its connections.</summary>
    public long Bytes
    {
        get
        {
            lock (_counters)
            {
                return _counters.Sum(counter => counter.Bytes);
            }
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var upstream = new TcpClient { NoDelay = true };
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
                client.NoDelay = true;
                var counter = new PushCounter();
                lock (_counters)
                {
                    _counters.Add(counter);
                    _sockets.Add(client);
                    _sockets.Add(upstream);
                }

                _ = PumpAsync(client.GetStream(), upstream.GetStream(), null);
                _ = PumpAsync(upstream.GetStream(), client.GetStream(), counter);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, PushCounter? counter)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                counter?.Feed(buffer.AsSpan(0, read));
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // One side closed: the other follows.
        }

        to.Socket.Shutdown(SocketShutdown.Send);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_counters)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        _stop.Dispose();
    }
}
