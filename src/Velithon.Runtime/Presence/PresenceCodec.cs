using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace Velithon.Presence;

/// <summary>
/// The bytes of a presence message between servers, carried on a group's backplane topic (the topic names the group):
/// <c>[op:1][server id length:1][server id, ASCII][incarnation:4][sequence:8][body]</c>, integers big-endian.
/// Bodies: a delta is <c>[count:4]</c> then per change <c>[1 join | 2 leave][entry]</c>; a state is <c>[count:4]</c> then
/// entries; a heartbeat has none; a sync request is <c>[target length:1][target, ASCII]</c> (empty: every server).
/// An entry is <c>[connection id][key][pair count:1]</c> then name and value per pair, each string <c>[length:2][UTF-8]</c>.
/// </summary>
/// <remarks>
/// The incarnation tells apart two lives of one server's presence in one group: a server drops a group it no longer
/// has members in and starts its sequence again when it comes back, and receivers must not take the new numbers
/// for old ones.
/// </remarks>
internal static class PresenceCodec
{
    public const byte Join = 1;
    public const byte Leave = 2;

    public static void WriteHeader(IBufferWriter<byte> writer, PresenceOp op, string serverId, uint incarnation, ulong sequence)
    {
        var span = writer.GetSpan(2 + serverId.Length + 12);
        span[0] = (byte)op;
        span[1] = (byte)serverId.Length;
        Encoding.ASCII.GetBytes(serverId, span[2..]);
        int offset = 2 + serverId.Length;
        BinaryPrimitives.WriteUInt32BigEndian(span[offset..], incarnation);
        BinaryPrimitives.WriteUInt64BigEndian(span[(offset + 4)..], sequence);
        writer.Advance(offset + 12);
    }

    public static void WriteCount(IBufferWriter<byte> writer, int count)
    {
        BinaryPrimitives.WriteInt32BigEndian(writer.GetSpan(4), count);
        writer.Advance(4);
    }

    public static void WriteByte(IBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    public static void WriteTarget(IBufferWriter<byte> writer, string target)
    {
        var span = writer.GetSpan(1 + target.Length);
        span[0] = (byte)target.Length;
        Encoding.ASCII.GetBytes(target, span[1..]);
        writer.Advance(1 + target.Length);
    }

    public static void WriteEntry(IBufferWriter<byte> writer, PresenceEntry entry)
    {
        WriteString(writer, entry.ConnectionId);
        WriteString(writer, entry.Key);
        WriteByte(writer, (byte)(entry.Meta.Length / 2));
        foreach (var text in entry.Meta)
        {
            WriteString(writer, text);
        }
    }

    private static void WriteString(IBufferWriter<byte> writer, string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var span = writer.GetSpan(2 + max);
        int length = Encoding.UTF8.GetBytes(text, span[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)length);
        writer.Advance(2 + length);
    }

    /// <summary>Reads a message; false for one that is cut short or malformed (it is then ignored).</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out PresenceMessage message)
    {
        message = default;
        var reader = new Reader(data);
        if (!reader.TryByte(out byte op) || op is < (byte)PresenceOp.Delta or > (byte)PresenceOp.SyncRequest
            || !reader.TryAscii(out var serverId) || serverId.Length == 0
            || !reader.TryUInt32(out uint incarnation) || !reader.TryUInt64(out ulong sequence))
        {
            return false;
        }

        string? target = null;
        List<(bool Join, PresenceEntry Entry)>? changes = null;
        switch ((PresenceOp)op)
        {
            case PresenceOp.Delta or PresenceOp.State:
                if (!reader.TryInt32(out int count) || count < 0 || count > data.Length)
                {
                    return false;
                }

                changes = new List<(bool, PresenceEntry)>(count);
                for (int i = 0; i < count; i++)
                {
                    byte change = Join;
                    if ((op == (byte)PresenceOp.Delta && !reader.TryByte(out change)) || change is not (Join or Leave) || !reader.TryEntry(out var entry))
                    {
                        return false;
                    }

                    changes.Add((change == Join, entry));
                }

                break;
            case PresenceOp.SyncRequest:
                if (!reader.TryAscii(out target))
                {
                    return false;
                }

                break;
        }

        if (!reader.AtEnd)
        {
            return false;
        }

        message = new PresenceMessage((PresenceOp)op, serverId, incarnation, sequence, target, changes);
        return true;
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _offset;

        public readonly bool AtEnd => _offset == _data.Length;

        public bool TryByte(out byte value)
        {
            value = 0;
            if (_offset >= _data.Length)
            {
                return false;
            }

            value = _data[_offset++];
            return true;
        }

        public bool TryUInt32(out uint value)
        {
            value = 0;
            if (_data.Length - _offset < 4)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt32BigEndian(_data[_offset..]);
            _offset += 4;
            return true;
        }

        public bool TryInt32(out int value)
        {
            bool read = TryUInt32(out uint raw);
            value = (int)raw;
            return read;
        }

        public bool TryUInt64(out ulong value)
        {
            value = 0;
            if (_data.Length - _offset < 8)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt64BigEndian(_data[_offset..]);
            _offset += 8;
            return true;
        }

        public bool TryAscii(out string value)
        {
            value = "";
            if (!TryByte(out byte length) || _data.Length - _offset < length || !Ascii.IsValid(_data.Slice(_offset, length)))
            {
                return false;
            }

            value = Encoding.ASCII.GetString(_data.Slice(_offset, length));
            _offset += length;
            return true;
        }

        public bool TryString(out string value)
        {
            value = "";
            if (_data.Length - _offset < 2)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(_data[_offset..]);
            _offset += 2;
            if (_data.Length - _offset < length)
            {
                return false;
            }

            try
            {
                value = StrictUtf8.GetString(_data.Slice(_offset, length));
            }
            catch (DecoderFallbackException)
            {
                return false;
            }

            _offset += length;
            return true;
        }

        public bool TryEntry(out PresenceEntry entry)
        {
            entry = null!;
            if (!TryString(out var connectionId) || !TryString(out var key) || !TryByte(out byte pairs))
            {
                return false;
            }

            var meta = pairs == 0 ? [] : new string[pairs * 2];
            for (int i = 0; i < meta.Length; i++)
            {
                if (!TryString(out meta[i]))
                {
                    return false;
                }
            }

            entry = new PresenceEntry(connectionId, key, meta);
            return true;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
