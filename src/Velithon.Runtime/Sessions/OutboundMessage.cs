using System;
using System.Net.WebSockets;

namespace Velithon.Sessions;

/// <summary>
/// A data message sent to the client and kept until the client acknowledges it: its frame payload (the 'D' byte and
/// the application's payload) in an array rented from the shared pool, which goes back when it is acknowledged or
/// the session ends.
/// </summary>
internal readonly record struct OutboundMessage(byte[] Buffer, int Length, WebSocketMessageType Type)
{
    /// <summary>The frame's payload.</summary>
    public ReadOnlyMemory<byte> Frame => Buffer.AsMemory(0, Length);
}
