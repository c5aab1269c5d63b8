namespace Velithon;

/// <summary>The kind of a complete WebSocket data message (RFC 6455 section 5.6).</summary>
public enum WebSocketMessageKind
{
    /// <summary>A text message: UTF-8 encoded characters (opcode 0x1).</summary>
    Text = 1,

    /// <summary>A binary message: arbitrary bytes (opcode 0x2).</summary>
    Binary = 2,
}
