using System;
using System.Collections.Generic;

namespace Velithon.Testing;

/// <summary>What a <see cref="VelithonTestClient.ConnectAsync"/> handshake sends besides the path.</summary>
public sealed class TestConnectOptions
{
    /// <summary>Request headers, for example <c>Authorization</c> or <c>Origin</c>.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The subprotocols to offer, in order of preference (<c>Sec-WebSocket-Protocol</c>).</summary>
    public IList<string> SubProtocols { get; } = [];
}
