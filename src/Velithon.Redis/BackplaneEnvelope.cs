using System;
using System.Text;
using Velithon.Scaling;

namespace Velithon.Redis;

/// <summary>
/// The bytes of a message on a Redis channel:
/// <c>[version:1][kind:1][origin server:16][connection id length:1][connection id, ASCII][payload]</c>.
/// The channel says the topic (see <see cref="RedisChannels"/>), so the envelope does not repeat it; the connection
/// id is there only on a server's channel (length 0 elsewhere). The origin lets a server skip the messages it
/// published itself, which it delivered locally already.
/// </summary>
/// <remarks>
/// <para>Version 2; version 1 carried the group in the envelope on one channel for everything, and is not read.</para>
/// <para>
/// The kind is a WebSocket message's (1 text, 2 binary) or <see cref="PresenceKind"/>: a presence message between
/// servers, on the group's channel, with no connection id; its payload is the runtime's own encoding. A server older
/// than presence logs such a message as unreadable and drops it, so a fleet mid-upgrade loses nothing else.
/// </para>
/// </remarks>
internal static class BackplaneEnvelope
{
    private const byte Version = 2;
    private const int HeaderLength = 1 + 1 + 16 + 1;

    /// <summary>The kind byte of a presence message (see <see cref="Velithon.Scaling.WebSocketBackplane.PublishPresence"/>).</summary>
    public const byte PresenceKind = 16;

    public static byte[] WritePresence(Guid origin, ReadOnlySpan<byte> payload)
    {
        var envelope = new byte[HeaderLength + payload.Length];
        envelope[0] = Version;
        envelope[1] = PresenceKind;
        origin.TryWriteBytes(envelope.AsSpan(2, 16));
        payload.CopyTo(envelope.AsSpan(HeaderLength));
        return envelope;
    }

    /// <summary>Reads a presence envelope; false for any other (or one this version does not understand).</summary>
    public static bool TryReadPresence(ReadOnlyMemory<byte> envelope, out Guid origin, out ReadOnlyMemory<byte> payload)
    {
        origin = Guid.Empty;
        payload = default;
        var span = envelope.Span;
        if (span.Length < HeaderLength || span[0] != Version || span[1] != PresenceKind || span[18] != 0)
        {
            return false;
        }

        origin = new Guid(span.Slice(2, 16));
        payload = envelope[HeaderLength..];
        return true;
    }

    public static byte[] Write(Guid origin, BackplaneMessage message)
    {
        var connectionId = message.ConnectionId;
        int idLength = connectionId?.Length ?? 0;
        if (idLength > byte.MaxValue || (connectionId is not null && !Ascii.IsValid(connectionId)))
        {
            throw new ArgumentException("A connection id is at most 255 ASCII characters.", nameof(message));
        }

        var envelope = new byte[HeaderLength + idLength + message.Payload.Length];
        envelope[0] = Version;
        envelope[1] = (byte)message.Kind;
        origin.TryWriteBytes(envelope.AsSpan(2, 16));
        envelope[18] = (byte)idLength;
        if (connectionId is not null)
        {
            Encoding.ASCII.GetBytes(connectionId, envelope.AsSpan(HeaderLength));
        }

        message.Payload.Span.CopyTo(envelope.AsSpan(HeaderLength + idLength));
        return envelope;
    }

    /// <summary>Reads an envelope that arrived on <paramref name="topic"/>'s channel; false for one this version does not understand.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> envelope, BackplaneTopic topic, out Guid origin, out BackplaneMessage message)
    {
        origin = Guid.Empty;
        message = default;
        var span = envelope.Span;
        if (span.Length < HeaderLength || span[0] != Version || span[1] is not ((byte)WebSocketMessageKind.Text or (byte)WebSocketMessageKind.Binary))
        {
            return false;
        }

        origin = new Guid(span.Slice(2, 16));
        int idLength = span[18];
        if (HeaderLength + idLength > span.Length || (idLength > 0) != (topic.Kind == BackplaneTopicKind.Server))
        {
            return false;
        }

        string? connectionId = idLength == 0 ? null : Encoding.ASCII.GetString(span.Slice(HeaderLength, idLength));
        message = new BackplaneMessage(topic, connectionId, (WebSocketMessageKind)span[1], envelope[(HeaderLength + idLength)..]);
        return true;
    }
}
