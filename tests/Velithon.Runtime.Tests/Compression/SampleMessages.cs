using System.Text;

namespace Velithon.Runtime.Tests.Compression;

/// <summary>Messages for the codec tests: repetitive JSON (compresses, and compresses better with context), the same again, empty, one byte, and incompressible bytes larger than any window.</summary>
internal static class SampleMessages
{
    public static byte[] Json { get; } = Encoding.UTF8.GetBytes(
        "[" + string.Join(",", Enumerable.Range(0, 24).Select(i => $"{{\"id\":{i},\"type\":\"move\",\"room\":\"lobby\",\"x\":{i * 3},\"y\":{i * 7}}}")) + "]");

    public static byte[] Random64K { get; } = CreateRandom(64 * 1024, seed: 7692);

    public static IReadOnlyList<byte[]> Sequence { get; } =
    [
        Json,
        Json,
        [],
        [(byte)'x'],
        Random64K,
        [.. Random64K, .. Json, .. Random64K],
        Json,
        [],
    ];

    public static byte[] CreateRandom(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
