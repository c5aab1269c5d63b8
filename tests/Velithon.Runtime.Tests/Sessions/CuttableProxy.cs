using System.Net;
using System.Net.Sockets;

namespace Velithon.Runtime.Tests.Sessions;

/// <summary>
/// A loopback TCP proxy in front of a server, whose connections the test cuts for real: <see cref="Freeze"/> makes
/// every byte either side sends on the connections open now vanish (in flight, as on a dead network; an end of
/// stream too, so the other side's connection stays half open), and <see cref="Cut"/> resets them (RST, linger 0)
/// on both sides, without a WebSocket close. Connections made later pass, unless <see cref="RefuseNewConnections"/> says
/// the network is down; they go to <see cref="TargetPort"/>, which a test moves to a server started in place of the
/// first. Linked into the demo's tests too, whose browser pages reach the demo through it.
/// </summary>
public sealed class CuttableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private volatile int _targetPort;
    private volatile bool _refusing;
    private readonly List<(Socket Client, Socket Server)> _pairs = [];
    private readonly HashSet<Socket> _frozen = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    public CuttableProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's base address, ws://127.0.0.1:port.</summary>
    public Uri Base => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>
    /// The loopback port new connections go to; connections open now stay with their server. A server that is not
    /// listening there resets the client's connection.
    /// </summary>
    public int TargetPort
    {
        get => _targetPort;
        set => _targetPort = value;
    }

    /// <summary>
    /// While true, a new connection is reset as soon as it arrives, as on a network that is down (a client's
    /// reconnect attempts fail at once, without a timer of the test's); connections open now are not affected.
    /// </summary>
    public bool RefuseNewConnections
    {
        get => _refusing;
        set => _refusing = value;
    }

    /// <summary>Connections made through the proxy so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>From now on, the bytes of the connections open now are read and dropped instead of forwarded, both ways.</summary>
    public void Freeze()
    {
        lock (_pairs)
        {
            foreach (var (client, server) in _pairs)
            {
                _frozen.Add(client);
                _frozen.Add(server);
            }
        }
    }

    private bool IsFrozen(Socket socket)
    {
        lock (_pairs)
        {
            return _frozen.Contains(socket);
        }
    }

    /// <summary>Resets every connection through the proxy, both sides, and lets new ones through again.</summary>
    public void Cut()
    {
        List<(Socket Client, Socket Server)> pairs;
        lock (_pairs)
        {
            pairs = [.. _pairs];
            _pairs.Clear();
            _frozen.Clear();
        }

        foreach (var (client, server) in pairs)
        {
            Reset(client);
            Reset(server);
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_refusing)
            {
                Reset(client);
                continue;
            }

            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stopping.Token);
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException)
            {
                // No server there (stopped, or not started yet): the client sees its connection reset.
                server.Dispose();
                Reset(client);
                continue;
            }

            lock (_pairs)
            {
                _pairs.Add((client, server));
                Accepted++;
            }

            _ = RelayAsync(client, server);
        }
    }

    /// <summary>Relays both ways until both directions end, then lets go of the pair.</summary>
    private async Task RelayAsync(Socket client, Socket server)
    {
        await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
        lock (_pairs)
        {
            _pairs.Remove((client, server));
            _frozen.Remove(client);
            _frozen.Remove(server);
        }

        client.Dispose();
        server.Dispose();
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    if (!IsFrozen(from))
                    {
                        to.Shutdown(SocketShutdown.Send);
                    }

                    return;
                }

                if (!IsFrozen(from))
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Cut, or the other side went away: the other pump and the endpoints see it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener.Stop();
        Cut();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }
}
