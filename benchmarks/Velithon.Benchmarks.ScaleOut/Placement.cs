namespace Velithon.Benchmarks.ScaleOut;

/// <summary>Which servers a room's members connect to.</summary>
public abstract class Placement
{
    public abstract string Name { get; }

    /// <summary>One server index per member.</summary>
    public abstract IEnumerable<int> Place(Random random, int servers, int members);

    public static Placement Parse(string text) => text switch
    {
        "random" => new RandomPlacement(),
        _ when text.StartsWith("spread:", StringComparison.Ordinal) => new SpreadPlacement(int.Parse(text["spread:".Length..], System.Globalization.CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException($"Unknown placement '{text}': random or spread:K."),
    };

    /// <summary>Each member on a uniformly random server: what a round-robin or least-connections balancer gives.</summary>
    private sealed class RandomPlacement : Placement
    {
        public override string Name => "random";

        public override IEnumerable<int> Place(Random random, int servers, int members)
        {
            for (int i = 0; i < members; i++)
            {
                yield return random.Next(servers);
            }
        }
    }

    /// <summary>
    /// A room's members on at most K servers picked at random for the room: a balancer with room affinity (hashing the
    /// room in the URL) that spills over to a few servers.
    /// </summary>
    private sealed class SpreadPlacement(int k) : Placement
    {
        public override string Name => $"spread:{k}";

        public override IEnumerable<int> Place(Random random, int servers, int members)
        {
            var chosen = Enumerable.Range(0, servers).OrderBy(_ => random.Next()).Take(Math.Min(k, servers)).ToArray();
            for (int i = 0; i < members; i++)
            {
                yield return chosen[i % chosen.Length];
            }
        }
    }
}
