using System;
using System.Buffers.Binary;
using System.Text;
using Velithon.Scaling;

namespace Velithon.Redis;

/// <summary>
/// The bytes of a broadcast on the Redis channel:
/// <c>[version:1][kind:1][server id:16][group length:4, -1 for all][group UTF-8][payload]</c>.
/// The server id lets a server skip the broadcasts it published itself, which it delivered locally already.
/// </summary>
internal static class BackplaneEnvelope
{
    private const byte Version = 1;
    private const int HeaderLength = 1 + 1 + 16 + 4;

    public static byte[] Write(Guid serverId, BackplaneMessage message)
    {
        int groupLength = message.Group is null ? 0 : Encoding.UTF8.GetByteCount(message.Group);
        var envelope = new byte[HeaderLength + groupLength + message.Payload.Length];
        envelope[0] = Version;
        envelope[1] = (byte)message.Kind;
        serverId.TryWriteBytes(envelope.AsSpan(2, 16));
        BinaryPrimitives.WriteInt32BigEndian(envelope.AsSpan(18), message.Group is null ? -1 : groupLength);
        if (message.Group is not null)
        {
            Encoding.UTF8.GetBytes(message.Group, envelope.AsSpan(HeaderLength));
        }

        message.Payload.Span.CopyTo(envelope.AsSpan(HeaderLength + groupLength));
        return envelope;
    }

    /// <summary>Reads an envelope; false for one this version does not understand.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> envelope, out Guid serverId, out BackplaneMessage message)
    {
        serverId = Guid.Empty;
        message = default;
        var span = envelope.Span;
        if (span.Length < HeaderLength || span[0] != Version || span[1] is not ((byte)WebSocketMessageKind.Text or (byte)WebSocketMessageKind.Binary))
        {
            return false;
        }

        serverId = new Guid(span.Slice(2, 16));
        int groupLength = BinaryPrimitives.ReadInt32BigEndian(span.Slice(18));
        if (groupLength < -1 || HeaderLength + Math.Max(groupLength, 0) > span.Length)
        {
            return false;
        }

        string? group = groupLength < 0 ? null : Encoding.UTF8.GetString(span.Slice(HeaderLength, groupLength));
        message = new BackplaneMessage(group, (WebSocketMessageKind)span[1], envelope.Slice(HeaderLength + Math.Max(groupLength, 0)));
        return true;
    }
}
