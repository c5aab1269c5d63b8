namespace Velithon;

/// <summary>
/// permessage-deflate (RFC 7692) for WebSocket messages: negotiated only with clients that offer it.
/// Compression costs CPU and, with context takeover, a compressor's memory per connection; it pays off
/// for large, repetitive text such as JSON.
/// </summary>
public sealed class WebSocketCompressionOptions
{
    /// <summary>Whether routes negotiate compression unless they say otherwise with <see cref="WebSocketCompressionAttribute"/>. Default: off.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The server's LZ77 window, as a power of two between 9 and 15 (RFC 7692 section 7.1.2.2). Smaller
    /// windows use less memory per connection and compress less. Default: 15.
    /// </summary>
    public int ServerMaxWindowBits { get; set; } = 15;

    /// <summary>
    /// Whether the server resets its compressor after every message (RFC 7692 section 7.1.1.1), trading
    /// compression ratio for memory held between messages. Default: <see langword="false"/>.
    /// </summary>
    public bool DisableServerContextTakeover { get; set; }
}
