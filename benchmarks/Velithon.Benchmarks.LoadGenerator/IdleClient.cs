using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Velithon.Benchmarks;

/// <summary>
/// One client process of the idle-connection benchmark (<see cref="IdleConnections"/>): opens its share of the
/// connections on bare sockets, keeps them open and answers the server's keep-alive pings, and on command pings every
/// one of them and counts the pongs. A process holds at most what its open-files limit allows, so the benchmark runs
/// several.
/// </summary>
/// <remarks>
/// It talks to the benchmark on standard input and output, one line each way:
/// <c>progress OPEN FAILED</c> while filling, <c>filled OPEN FAILED MILLISECONDS FIRST_ERROR</c> at the end of it;
/// then <c>ping</c> in gets <c>pongs ANSWERED OF MILLISECONDS LOST</c> out, and <c>exit</c> ends it.
/// </remarks>
public static class IdleClient
{
    /// <summary>idle-client --port P --count N --sources A,B,... [--path /echo] [--concurrency 64] [--fill-seconds 600].</summary>
    public static async Task RunAsync(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is int at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        int port = int.Parse(Value("--port")!, CultureInfo.InvariantCulture);
        int count = int.Parse(Value("--count")!, CultureInfo.InvariantCulture);
        var sources = Value("--sources")!.Split(',').Select(IPAddress.Parse).ToArray();
        string path = Value("--path") ?? "/echo";
        int concurrency = int.Parse(Value("--concurrency") ?? "64", CultureInfo.InvariantCulture);
        var fillLimit = TimeSpan.FromSeconds(double.Parse(Value("--fill-seconds") ?? "600", CultureInfo.InvariantCulture));

        var server = new IPEndPoint(IPAddress.Loopback, port);
        var connections = new IdleConnection?[count];
        int opened = 0;
        int failed = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        using var fillDeadline = new CancellationTokenSource(fillLimit);
        using var progress = new Timer(_ => Console.WriteLine($"progress {Volatile.Read(ref opened)} {Volatile.Read(ref failed)}"), null, 500, 500);

        // A fixed number of workers, each opening connections one after the other: bounded in flight and in count.
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < count && !fillDeadline.IsCancellationRequested)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(fillDeadline.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                try
                {
                    var socket = await RawWebSocket.ConnectAsync(sources[index % sources.Length], server, path, timeout.Token);
                    try
                    {
                        await RawWebSocket.EchoOnceAsync(socket, timeout.Token);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }

                    var connection = new IdleConnection(socket, index);
                    connections[index] = connection;
                    _ = connection.ListenAsync();
                    Interlocked.Increment(ref opened);
                }
                catch (Exception exception)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, $"{exception.GetType().Name}: {exception.Message}".ReplaceLineEndings(" "), null);
                }
            }
        })));

        double fillMilliseconds = clock.Elapsed.TotalMilliseconds;
        await progress.DisposeAsync();
        Console.WriteLine(FormattableString.Invariant($"filled {opened} {failed} {fillMilliseconds:0} {firstError ?? "-"}"));

        string? command;
        while ((command = Console.ReadLine()) is not null && command != "exit")
        {
            if (command == "ping")
            {
                Console.WriteLine(await PingAllAsync(connections));
            }
        }

        foreach (var connection in connections)
        {
            connection?.Socket.Dispose();
        }
    }

    /// <summary>
    /// Sends a ping with the connection's index to every open connection and waits for every pong, up to five minutes: on
    /// a machine shared with other work a quarter million pongs can take more than one.
    /// </summary>
    private static async Task<string> PingAllAsync(IdleConnection?[] connections)
    {
        var open = connections.Where(c => c is not null).Select(c => c!).ToArray();
        var clock = Stopwatch.StartNew();
        foreach (var connection in open)
        {
            connection.SendPing();
        }

        var deadline = TimeSpan.FromMinutes(5);
        int answered;
        while ((answered = open.Count(c => c.Answered)) < open.Length && clock.Elapsed < deadline && open.Any(c => !c.Answered && !c.Lost))
        {
            await Task.Delay(20);
        }

        int lost = open.Count(c => c.Lost);
        return FormattableString.Invariant($"pongs {answered} {open.Length} {clock.Elapsed.TotalMilliseconds:0} {lost}");
    }

    /// <summary>
    /// One open connection: its socket and what was heard on it. While idle it waits with a zero-byte receive, so it
    /// holds no buffer, and reads what arrived into a stack buffer.
    /// </summary>
    private sealed class IdleConnection(Socket socket, int index)
    {
        private readonly Lock _send = new();
        private byte[]? _partial;
        private volatile bool _answered;
        private volatile bool _lost;

        public Socket Socket { get; } = socket;

        /// <summary>Whether the pong to <see cref="SendPing"/> came back with this connection's payload.</summary>
        public bool Answered => _answered;

        /// <summary>Whether the server closed or reset the connection.</summary>
        public bool Lost => _lost;

        public void SendPing()
        {
            Span<byte> payload = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(payload, index);
            Send(RawWebSocket.OpPing, payload);
        }

        public async Task ListenAsync()
        {
            try
            {
                while (true)
                {
                    // Zero bytes: completes when data (or the end) is there, without a buffer held meanwhile.
                    await Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
                    if (!Drain())
                    {
                        break;
                    }
                }
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
            }

            _lost = true;
        }

        /// <summary>Reads what arrived and handles its frames; false once the connection ended.</summary>
        private bool Drain()
        {
            Span<byte> buffer = stackalloc byte[512];
            int carried = 0;
            if (_partial is { } partial)
            {
                partial.CopyTo(buffer);
                carried = partial.Length;
                _partial = null;
            }

            int read = Socket.Receive(buffer.Slice(carried), SocketFlags.None, out var error);
            if (error != SocketError.Success || read == 0)
            {
                return false;
            }

            var data = buffer.Slice(0, carried + read);
            while (data.Length >= 2)
            {
                // Server frames are unmasked (section 5.1); control frames carry at most 125 bytes (section 5.5).
                int length = data[1] & 0x7F;
                int header = length == 126 ? 4 : length == 127 ? 10 : 2;
                if (data.Length < header)
                {
                    break;
                }

                long payloadLength = length == 126 ? BinaryPrimitives.ReadUInt16BigEndian(data.Slice(2)) : length == 127 ? (long)BinaryPrimitives.ReadUInt64BigEndian(data.Slice(2)) : length;
                if (payloadLength > 256)
                {
                    // Nothing in this benchmark sends long frames to an idle client.
                    return false;
                }

                if (data.Length < header + payloadLength)
                {
                    break;
                }

                var payload = data.Slice(header, (int)payloadLength);
                switch (data[0] & 0x0F)
                {
                    case RawWebSocket.OpPing:
                        Send(RawWebSocket.OpPong, payload);
                        break;
                    case RawWebSocket.OpPong:
                        if (payload.Length == 4 && BinaryPrimitives.ReadInt32BigEndian(payload) == index)
                        {
                            _answered = true;
                        }

                        break;
                    case RawWebSocket.OpClose:
                        return false;
                }

                data = data.Slice(header + (int)payloadLength);
            }

            if (!data.IsEmpty)
            {
                _partial = data.ToArray();
            }

            return true;
        }

        private void Send(byte opcode, ReadOnlySpan<byte> payload)
        {
            Span<byte> frame = stackalloc byte[6 + 125];
            int length = RawWebSocket.WriteFrame(frame, opcode, payload);
            lock (_send)
            {
                try
                {
                    Socket.Send(frame.Slice(0, length), SocketFlags.None, out _);
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }
    }
}
