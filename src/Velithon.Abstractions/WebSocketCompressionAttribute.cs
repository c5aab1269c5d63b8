using System;

namespace Velithon;

/// <summary>
/// Turns permessage-deflate (RFC 7692) on or off for one WebSocket handler or endpoint class, whatever
/// <c>VelithonOptions.Compression.Enabled</c> says. Compression is negotiated only with clients that offer it.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class WebSocketCompressionAttribute : Attribute
{
    /// <summary>Whether this route negotiates compression. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The server's LZ77 window as a power of two, 9 to 15; 0 (the default) takes the value from the options.</summary>
    public int ServerMaxWindowBits { get; set; }

    /// <summary>Whether the server resets its compressor after every message. Default: <see langword="false"/>.</summary>
    public bool DisableServerContextTakeover { get; set; }
}
