using System.Buffers.Binary;
using System.Text;

namespace Velithon.Runtime.Tests.Conformance;

/// <summary>
/// A frame as it came off the wire (RFC 6455 section 5.2). When permessage-deflate is negotiated and the frame belongs
/// to a compressed message, <see cref="Payload"/> is what it inflated to, <see cref="Inflated"/> is true and
/// <see cref="Rsv"/> no longer holds the RSV1 bit that marked the message compressed (RFC 7692 section 6).
/// </summary>
public sealed record Frame(bool Fin, int Rsv, int Opcode, byte[] Payload, bool Inflated = false)
{
    public const int Continuation = 0x0;
    public const int Text = 0x1;
    public const int Binary = 0x2;
    public const int Close = 0x8;
    public const int Ping = 0x9;
    public const int Pong = 0xA;

    /// <summary>RSV1, the bit permessage-deflate gives a meaning to (RFC 7692 section 6).</summary>
    public const int Rsv1 = 0x4;

    /// <summary>The close code of a close frame, or null when it carries none.</summary>
    public int? CloseCode => Opcode == Close && Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : null;

    public string CloseReason => Opcode == Close && Payload.Length > 2 ? Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2) : "";
}
