using System;
using System.Collections.Generic;

namespace Velithon.Presence;

/// <summary>
/// One tracked connection: its id, key and metadata. The metadata is kept as a flat array of name/value pairs, not a
/// dictionary, since every server holds one entry per member of its groups (see docs/presence.md, "Memory").
/// </summary>
internal sealed class PresenceEntry(string connectionId, string key, string[] meta)
{
    public const int MaxKeyLength = 1024;
    public const int MaxMetaPairs = 32;
    public const int MaxMetaLength = 1024;

    public string ConnectionId { get; } = connectionId;

    public string Key { get; } = key;

    /// <summary>Name, value, name, value…; names are distinct.</summary>
    public string[] Meta { get; } = meta;

    /// <summary>Copies <paramref name="meta"/> into the flat form, checking the bounds of <see cref="IWebSocketPresence.TrackAsync"/>.</summary>
    public static string[] FlattenMeta(IReadOnlyDictionary<string, string>? meta)
    {
        if (meta is null || meta.Count == 0)
        {
            return [];
        }

        if (meta.Count > MaxMetaPairs)
        {
            throw new ArgumentException($"Presence metadata holds at most {MaxMetaPairs} pairs (it has {meta.Count}).", nameof(meta));
        }

        var flat = new string[meta.Count * 2];
        int i = 0;
        foreach (var (name, value) in meta)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(meta));
            if (name.Length > MaxMetaLength || value.Length > MaxMetaLength)
            {
                throw new ArgumentException($"A presence metadata name or value is at most {MaxMetaLength} characters.", nameof(meta));
            }

            CheckUtf16(name, "A presence metadata name", nameof(meta));
            CheckUtf16(value, "A presence metadata value", nameof(meta));

            flat[i++] = name;
            flat[i++] = value;
        }

        return flat;
    }

    /// <summary>
    /// Refuses text with a lone surrogate (not valid UTF-16): the other servers receive it as UTF-8, where it would
    /// arrive as U+FFFD (RFC 3629 section 3 has no encoding for a surrogate code point), so one member would have two
    /// keys, and the <c>presence_diff</c> JSON cannot carry it either (RFC 8259 section 8.1 requires UTF-8).
    /// </summary>
    public static void CheckUtf16(string text, string what, string paramName)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException($"{what} must be valid UTF-16: it has a lone surrogate (U+{(int)c:X4}) at index {i}.", paramName);
            }
        }
    }

    public IReadOnlyDictionary<string, string> MetaDictionary()
    {
        var dictionary = new Dictionary<string, string>(Meta.Length / 2, StringComparer.Ordinal);
        for (int i = 0; i < Meta.Length; i += 2)
        {
            dictionary[Meta[i]] = Meta[i + 1];
        }

        return dictionary;
    }
}
