using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Velithon.Endpoints;

namespace Velithon.Benchmarks.Micro;

/// <summary>
/// The per-message work of typed JSON dispatch: find the discriminator without allocating, compare it,
/// and deserialize with source-generated metadata (the message object is the only allocation).
/// </summary>
[MemoryDiagnoser]
public class TypedDispatchBenchmarks
{
    private readonly byte[] _move = Encoding.UTF8.GetBytes("""{"type":"move","x":3,"y":4}""");
    private readonly byte[] _late = Encoding.UTF8.GetBytes("""{"x":3,"y":4,"note":"the discriminator comes last","type":"move"}""");

    [Benchmark(Baseline = true)]
    public bool FindDiscriminator() =>
        JsonMessages.FindDiscriminator(_move, "type"u8, out var value) == DiscriminatorResult.Found && value.ValueTextEquals("move"u8);

    [Benchmark]
    public bool FindDiscriminatorAfterOtherProperties() =>
        JsonMessages.FindDiscriminator(_late, "type"u8, out var value) == DiscriminatorResult.Found && value.ValueTextEquals("move"u8);

    [Benchmark]
    public int DispatchAndDeserialize()
    {
        if (JsonMessages.FindDiscriminator(_move, "type"u8, out var value) == DiscriminatorResult.Found
            && value.ValueTextEquals("move"u8)
            && JsonMessages.TryDeserialize(_move, MicroJsonContext.Default.Move, out var move))
        {
            return move.X + move.Y;
        }

        return -1;
    }
}

public sealed record Move(int X, int Y);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Move))]
public sealed partial class MicroJsonContext : JsonSerializerContext;
