using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Velithon.Connections;
using Velithon.Contracts;
using Velithon.Endpoints;

namespace Velithon.Benchmarks.Micro;

/// <summary>
/// A typed contract's per-message dispatch beside today's <c>[JsonMessages]</c> dispatch, for the same two-field
/// message: the JSON alone (find the type, compare it, deserialize), and a real connection's receive plus dispatch over
/// an in-memory transport that always has the next client frame ready, so every call completes synchronously. The
/// handlers deserialize and return; the record is the only allocation.
/// </summary>
[MemoryDiagnoser]
public class ContractDispatchBenchmarks
{
    private static readonly byte[] FlatJson = Encoding.UTF8.GetBytes("""{"type":"move","x":3,"y":4}""");
    private static readonly byte[] EnvelopeJson = Encoding.UTF8.GetBytes("""{"type":"move","payload":{"x":3,"y":4}}""");
    private static readonly ContractDispatch Dispatch = DispatchMove;
    private ServerWebSocket _jsonMessages = null!;
    private ServerWebSocket _contractConnection = null!;
    private MicroSocket _contract = null!;

    [GlobalSetup]
    public void Setup()
    {
        _jsonMessages = ConnectionBenchmarks.Connect(ConnectionBenchmarks.ClientFrame(0x1, FlatJson));
        _contractConnection = ConnectionBenchmarks.Connect(ConnectionBenchmarks.ClientFrame(0x1, EnvelopeJson));
        _contract = new MicroSocket(_contractConnection, Dispatch);
    }

    // Today's [JsonMessages] dispatch, as its generated code runs it.
    [Benchmark(Baseline = true)]
    public ValueTask JsonMessagesDispatchJson() => DispatchFlat(FlatJson);

    [Benchmark]
    public ValueTask ContractDispatchJson()
    {
        EnvelopeReader.Read(EnvelopeJson, out var envelope);
        var message = envelope.ToMessage();
        return Dispatch(_contract, in message);
    }

    [Benchmark]
    public async ValueTask JsonMessagesReceiveAndDispatch()
    {
        var message = await _jsonMessages.ReceiveOrDisconnectAsync();
        await DispatchFlat(message.Data.Span);
    }

    // One turn of the contract's loop: its receive, the envelope, the dispatch.
    [Benchmark]
    public async ValueTask ContractReceiveAndDispatch()
    {
        var message = await _contractConnection.ReceiveOrDisconnectAsync();
        await _contract.ProcessAsync(message.Data.Span, message.Kind);
    }

    private static ValueTask DispatchFlat(ReadOnlySpan<byte> json)
    {
        if (JsonMessages.FindDiscriminator(json, "type"u8, out var type) == DiscriminatorResult.Found
            && type.ValueTextEquals("move"u8)
            && JsonMessages.TryDeserialize(json, MicroJsonContext.Default.Move, out var move))
        {
            return OnMove(move);
        }

        return default;
    }

    private static ValueTask DispatchMove(ContractSocket socket, in ContractMessage message)
    {
        if (message.TypeEquals("move"u8) && ContractMessages.TryDeserialize(message, MicroJsonContext.Default.Move, out var move))
        {
            return OnMove(move);
        }

        return ContractMessages.RejectUnknownAsync(socket, message);
    }

    private static ValueTask OnMove(Move move) => move.X == -1 ? ValueTask.FromException(new InvalidOperationException()) : default;

    /// <summary>The typed socket of a one-case contract, as the generator writes it (without sends, which this does not measure).</summary>
    private sealed class MicroSocket(WebSocket socket, ContractDispatch dispatch) : ContractSocket(socket, dispatch);
}
