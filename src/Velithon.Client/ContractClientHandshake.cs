using System;
using System.Collections.Generic;

namespace Velithon;

/// <summary>
/// What a <see cref="ContractClient"/> asks of the connection it opens: handed to
/// <see cref="ContractClientOptions.OpenWebSocket"/> when a transport other than <see cref="System.Net.WebSockets.ClientWebSocket"/>
/// carries the contract (Velithon.Testing's in-memory server does).
/// </summary>
/// <param name="Uri">The route's full URI (<c>ws</c> or <c>wss</c>), query string included.</param>
/// <param name="Headers">The handshake's request headers (the route's <c>[FromHeader]</c> values); null values are left out.</param>
/// <param name="SubProtocols">The subprotocols to offer, in order of preference (RFC 6455 section 4.1): the contract's first.</param>
public sealed record ContractClientHandshake(Uri Uri, IReadOnlyList<KeyValuePair<string, string?>> Headers, IReadOnlyList<string> SubProtocols);
