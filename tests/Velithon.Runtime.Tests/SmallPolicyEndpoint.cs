namespace Velithon.Runtime.Tests;

/// <summary>An endpoint class with a policy of its own: the attribute on the class applies to its connections.</summary>
[WebSocket("/policy/endpoint-small")]
[MaxMessageSize(16)]
public sealed class SmallPolicyEndpoint : WebSocketEndpoint
{
    public override ValueTask OnReceiveAsync(WebSocket ws, string data) => ws.SendTextAsync(data);
}
