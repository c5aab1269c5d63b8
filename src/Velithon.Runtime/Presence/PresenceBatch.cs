using System;
using System.Collections.Generic;

namespace Velithon.Presence;

/// <summary>
/// The key-level effect of one set of changes to a group's entries: which keys went from no connection to some (joins)
/// and from some to none (leaves), with the entries that made them. A key that gains a second connection, or keeps one,
/// is in neither.
/// </summary>
internal sealed class PresenceBatch
{
    private readonly Dictionary<string, Touched> _touched = new(StringComparer.Ordinal);

    public bool IsEmpty
    {
        get
        {
            foreach (var (_, touched) in _touched)
            {
                if ((touched.Before == 0) != (touched.After == 0))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The keys that joined, with their new entries, and the keys that left, with their last entries; ordered by key.</summary>
    public (List<(string Key, List<PresenceEntry> Entries)> Joins, List<(string Key, List<PresenceEntry> Entries)> Leaves) Result()
    {
        var joins = new List<(string, List<PresenceEntry>)>();
        var leaves = new List<(string, List<PresenceEntry>)>();
        foreach (var (key, touched) in _touched)
        {
            if (touched.Before == 0 && touched.After > 0)
            {
                joins.Add((key, touched.Added));
            }
            else if (touched.Before > 0 && touched.After == 0)
            {
                leaves.Add((key, touched.Removed));
            }
        }

        joins.Sort(static (a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        leaves.Sort(static (a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return (joins, leaves);
    }

    public void Added(PresenceEntry entry, int before)
    {
        var touched = Touch(entry.Key, before);
        touched.After = before + 1;
        touched.Added.Add(entry);
    }

    public void Removed(PresenceEntry entry, int before)
    {
        var touched = Touch(entry.Key, before);
        touched.After = before - 1;
        touched.Removed.Add(entry);
    }

    private Touched Touch(string key, int before)
    {
        if (!_touched.TryGetValue(key, out var touched))
        {
            touched = new Touched { Before = before };
            _touched.Add(key, touched);
        }

        return touched;
    }

    private sealed class Touched
    {
        public int Before;
        public int After;
        public readonly List<PresenceEntry> Added = [];
        public readonly List<PresenceEntry> Removed = [];
    }
}
