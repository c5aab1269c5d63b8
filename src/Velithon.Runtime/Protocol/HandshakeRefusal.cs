using Microsoft.AspNetCore.Http;
using Velithon.Metrics;

namespace Velithon.Protocol;

/// <summary>Why an opening handshake cannot be completed: the HTTP status, the metric's reason, the response body and the log's words.</summary>
internal sealed record HandshakeRefusal(int StatusCode, string Reason, string Message, string LogReason)
{
    /// <summary>Whether the refusal names the versions this server speaks (RFC 6455 sections 4.2.2 and 4.4).</summary>
    public bool NamesVersion => StatusCode == StatusCodes.Status426UpgradeRequired;

    /// <summary>A request that is no WebSocket handshake: 426 (RFC 9110 section 15.5.22).</summary>
    public static HandshakeRefusal NotWebSocket(string method) => new(StatusCodes.Status426UpgradeRequired, RejectionReasons.NotWebSocket,
        "This endpoint accepts only WebSocket connections.",
        $"a {method} request without a WebSocket upgrade");

    /// <summary>A handshake for a version other than 13 (RFC 6455 section 4.2.1, item 6): 426 naming version 13.</summary>
    public static HandshakeRefusal OtherVersion(string requested) => new(StatusCodes.Status426UpgradeRequired, RejectionReasons.NotWebSocket,
        $"This endpoint speaks WebSocket version {WebSocketHandshake.SupportedVersion} (Sec-WebSocket-Version); the client asked for {(requested.Length == 0 ? "none" : requested)}.",
        $"the client asked for WebSocket version {(requested.Length == 0 ? "(none)" : requested)} (Sec-WebSocket-Version); this server speaks version {WebSocketHandshake.SupportedVersion}");

    /// <summary>A handshake with a header missing or malformed (RFC 6455 section 4.2.1): 400 naming it.</summary>
    public static HandshakeRefusal Malformed(string problem) => new(StatusCodes.Status400BadRequest, RejectionReasons.NotWebSocket,
        $"The WebSocket handshake is malformed: {problem}.", $"a malformed handshake: {problem}");
}
