using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using Velithon.Connections;
using Velithon.Groups;
using Velithon.Scaling;

namespace Velithon.Benchmarks.Micro;

/// <summary>
/// A broadcast to a group of N connections over the in-memory transport (every send completes at once),
/// next to a plain loop over N framework WebSockets. Allocated bytes per operation must not grow with N:
/// the payload is encoded once and shared, and nothing is allocated per recipient. The same for the N
/// connections of one user, for one connection by id, and for a group message arriving from another server
/// through the backplane (what a server does with each message its backplane receives).
/// </summary>
[MemoryDiagnoser]
public class BroadcastBenchmarks
{
    private static readonly byte[] Bytes32 = new byte[32];
    private static readonly string Text32 = new('v', 32);
    private static readonly Move Message = new(3, 4);
    private WebSocketHub _hub = null!;
    private string _group = null!;
    private string _user = null!;
    private string _connectionId = null!;
    private BackplaneMessage _fromAnotherServer;
    private System.Net.WebSockets.WebSocket[] _raw = null!;

    [Params(1, 100, 1000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _hub = ConnectionBenchmarks.Runtime.Value.Hub;
        _group = "members-" + Members;
        _user = "user-" + Members;
        var frame = ConnectionBenchmarks.ClientFrame(0x2, Bytes32);
        ServerWebSocket? last = null;
        for (int i = 0; i < Members; i++)
        {
            _hub.AddToGroup(ConnectionBenchmarks.Connect(frame), _group);
            last = ConnectionBenchmarks.Connect(frame, _user);
        }

        _connectionId = last!.ConnectionId;
        _fromAnotherServer = new BackplaneMessage(BackplaneTopic.ForGroup(_group), null, WebSocketMessageKind.Binary, Bytes32);
        _raw = Enumerable.Range(0, Members)
            .Select(_ => System.Net.WebSockets.WebSocket.CreateFromStream(new ConnectionBenchmarks.LoopingStream(frame), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero }))
            .ToArray();
    }

    // What the hand-written baseline does: a plain loop of sends over the framework's sockets.
    [Benchmark(Baseline = true)]
    public async ValueTask RawLoop()
    {
        foreach (var socket in _raw)
        {
            await socket.SendAsync(Bytes32.AsMemory(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        }
    }

    [Benchmark]
    public ValueTask<int> BroadcastBytes() => _hub.Group(_group).SendBytesAsync(Bytes32);

    [Benchmark]
    public ValueTask<int> BroadcastText() => _hub.Group(_group).SendTextAsync(Text32);

    [Benchmark]
    public ValueTask<int> BroadcastJson() => _hub.Group(_group).SendJsonAsync(Message, MicroJsonContext.Default.Move);

    [Benchmark]
    public ValueTask<int> UserBytes() => _hub.User(_user).SendBytesAsync(Bytes32);

    [Benchmark]
    public ValueTask<int> ConnectionBytes() => _hub.Connection(_connectionId).SendBytesAsync(Bytes32);

    [Benchmark]
    public int GroupBytesFromBackplane() => _hub.DeliverFromBackplane(_fromAnotherServer);
}
