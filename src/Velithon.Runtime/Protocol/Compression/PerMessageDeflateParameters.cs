namespace Velithon.Protocol.Compression;

/// <summary>
/// What a permessage-deflate negotiation agreed (RFC 7692 section 7.1): the LZ77 window of each side, as a
/// power of two, and whether each side resets its compressor after every message.
/// </summary>
/// <param name="ServerMaxWindowBits">The server's compression window, 9 to 15 (section 7.1.2.1).</param>
/// <param name="ClientMaxWindowBits">
/// The largest window the client compresses with, 8 to 15 (section 7.1.2.2): the server's inflater needs at
/// least this window.
/// </param>
/// <param name="ServerNoContextTakeover">The server resets its compressor after every message (section 7.1.1.1).</param>
/// <param name="ClientNoContextTakeover">The client resets its compressor after every message (section 7.1.1.2), so the server's inflater may too.</param>
internal readonly record struct PerMessageDeflateParameters(
    int ServerMaxWindowBits,
    int ClientMaxWindowBits,
    bool ServerNoContextTakeover,
    bool ClientNoContextTakeover);
