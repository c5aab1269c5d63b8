using System.Diagnostics;
using System.Globalization;
using System.Net;

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
/// then <c>ping</c> in gets <c>pongs ANSWERED OF MILLISECONDS ENDED TALLY</c> out (see <see cref="PingAllAsync"/>), and
/// <c>exit</c> ends it.
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
        long filledAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await progress.DisposeAsync();
        Console.WriteLine(FormattableString.Invariant($"filled {opened} {failed} {fillMilliseconds:0} {firstError ?? "-"}"));

        string? command;
        while ((command = Console.ReadLine()) is not null && command != "exit")
        {
            if (command == "ping")
            {
                Console.WriteLine(await PingAllAsync(connections, filledAt));
            }
        }

        foreach (var connection in connections)
        {
            connection?.Close();
        }
    }

    /// <summary>
    /// Sends a ping with the connection's index on every connection still open and waits until each has answered or
    /// ended, up to five minutes: on a machine shared with other work a quarter million pongs can take more than one.
    /// Returns the <c>pongs</c> line: <c>pongs ANSWERED OF MILLISECONDS ENDED TALLY</c>, where a connection counts as
    /// answered if its pong came back, even when it ended afterwards, and TALLY (<see cref="EndTally"/>) says when and
    /// why each of the ENDED connections ended.
    /// </summary>
    private static async Task<string> PingAllAsync(IdleConnection?[] connections, long filledAt)
    {
        var all = connections.OfType<IdleConnection>().ToArray();
        long pingAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var clock = Stopwatch.StartNew();
        foreach (var connection in all)
        {
            connection.SendPing();
        }

        var deadline = TimeSpan.FromMinutes(5);
        while (clock.Elapsed < deadline && all.Any(c => !c.Answered && c.End is null))
        {
            await Task.Delay(20);
        }

        double milliseconds = clock.Elapsed.TotalMilliseconds;

        // One look at each connection, the end first: an ended connection reads nothing more, so whether it answered
        // is whether it had by its end, and every connection is counted once, answered or not, ended or not.
        int answered = 0;
        var ends = new List<ConnectionEnd>();
        foreach (var connection in all)
        {
            var end = connection.End;
            answered += (end?.AfterPong ?? connection.Answered) ? 1 : 0;
            if (end is not null)
            {
                ends.Add(end);
            }
        }

        return FormattableString.Invariant($"pongs {answered} {all.Length} {milliseconds:0} {ends.Count} {EndTally.Of(ends, filledAt, pingAt)}");
    }
}
