using System;
using System.Collections.Generic;
using System.Net.WebSockets;

namespace Velithon;

/// <summary>How a generated contract client connects and waits.</summary>
public sealed class ContractClientOptions
{
    /// <summary>How long <c>RequestAsync</c> waits for a reply unless told otherwise; 30 s by default.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Reconnection after a dropped connection; null turns it off. On by default.</summary>
    public ReconnectOptions? Reconnect { get; set; } = new();

    /// <summary>The clock of request timeouts and reconnection delays; <see cref="TimeProvider.System"/> by default (a test gives a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Subprotocols to offer after the contract's own, <c>ContractSubprotocol</c> (<c>Sec-WebSocket-Protocol</c>, RFC 6455 section 4.1).</summary>
    public IList<string> SubProtocols { get; } = [];

    /// <summary>Called on each new <see cref="ClientWebSocket"/> before it connects: credentials, a proxy, TLS, keep-alive.</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; set; }

    /// <summary>
    /// Opens the connection instead of a <see cref="ClientWebSocket"/> (which <see cref="ConfigureWebSocket"/> then does
    /// not see): for a transport of your own, or Velithon.Testing's in-memory server. Null, the default, connects with
    /// <see cref="ClientWebSocket"/>. A handshake the server refuses should throw; the client treats a
    /// <see cref="WebSocketException"/> as a failed attempt to retry when it reconnects.
    /// </summary>
    public Func<ContractClientHandshake, System.Threading.CancellationToken, System.Threading.Tasks.Task<System.Net.WebSockets.WebSocket>>? OpenWebSocket { get; set; }

    /// <summary>The largest message the client reads, in bytes; 4 MiB by default. A larger one closes the connection with 1009.</summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;
}
