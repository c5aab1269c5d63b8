namespace Velithon;

/// <summary>
/// The close status codes of RFC 6455 section 7.4.1 and the IANA "WebSocket Close Code Number"
/// registry. Use them with <see cref="WebSocket.CloseAsync(int, string?)"/> and compare them with
/// <see cref="WebSocketDisconnectException.Code"/>.
/// </summary>
public static class WebSocketCloseCode
{
    /// <summary>1000: the purpose for which the connection was established has been fulfilled.</summary>
    public const int NormalClosure = 1000;

    /// <summary>1001: an endpoint is going away, such as a server shutting down or a browser leaving the page.</summary>
    public const int GoingAway = 1001;

    /// <summary>1002: an endpoint is terminating the connection due to a protocol error.</summary>
    public const int ProtocolError = 1002;

    /// <summary>1003: an endpoint received a type of data it cannot accept (for example binary where only text is understood).</summary>
    public const int UnsupportedData = 1003;

    /// <summary>1004: reserved by RFC 6455; never sent.</summary>
    public const int Reserved = 1004;

    /// <summary>
    /// 1005: no status code was present in the close frame; never sent. ASP.NET Core's WebSocket reports a
    /// close frame without a status as 1000, so on Kestrel a handler sees 1000 for it.
    /// </summary>
    public const int NoStatusReceived = 1005;

    /// <summary>1006: the connection closed abnormally, without a close frame. Reported locally, never sent.</summary>
    public const int AbnormalClosure = 1006;

    /// <summary>1007: a message contained data inconsistent with its type (for example invalid UTF-8 in a text message).</summary>
    public const int InvalidPayloadData = 1007;

    /// <summary>1008: a message violated the endpoint's policy.</summary>
    public const int PolicyViolation = 1008;

    /// <summary>1009: a message was too big to process.</summary>
    public const int MessageTooBig = 1009;

    /// <summary>1010: the client expected the server to negotiate an extension it did not.</summary>
    public const int MandatoryExtension = 1010;

    /// <summary>1011: the server met an unexpected condition that prevented it from fulfilling the request.</summary>
    public const int InternalError = 1011;

    /// <summary>1012: the service is restarting.</summary>
    public const int ServiceRestart = 1012;

    /// <summary>1013: the service is overloaded; the client should try again later.</summary>
    public const int TryAgainLater = 1013;

    /// <summary>1014: a gateway or proxy received an invalid response from the upstream server.</summary>
    public const int BadGateway = 1014;

    /// <summary>1015: the TLS handshake failed. Reported locally, never sent.</summary>
    public const int TlsHandshake = 1015;

    /// <summary>
    /// 4426, Velithon's own: the client offered a contract subprotocol of another version of the route's contract
    /// (<c>velithon.&lt;version&gt;</c>), so it was built from other declarations and must be updated; retrying as it is
    /// will not help. In the range RFC 6455 section 7.4.2 leaves to applications; it echoes HTTP's 426 Upgrade Required.
    /// </summary>
    public const int ContractVersionMismatch = 4426;

    /// <summary>
    /// 4400, Velithon's own: a resume token that is malformed, was altered, or was not issued by this server's keys,
    /// or a resume whose counts do not fit the session (docs/resumable-sessions.md). Start a new session. Echoes HTTP's 400.
    /// </summary>
    public const int SessionTokenInvalid = 4400;

    /// <summary>
    /// 4403, Velithon's own: a valid resume token presented by another user, or on another route or other route
    /// values than the session's. Start a new session. Echoes HTTP's 403.
    /// </summary>
    public const int SessionForbidden = 4403;

    /// <summary>
    /// 4410, Velithon's own: the session is gone: its resume window passed, or it ended (its handler returned or
    /// closed it), or the token offered was already used (a token resumes once; the session itself is left as it
    /// was). Start a new session. Echoes HTTP's 410 Gone.
    /// </summary>
    public const int SessionGone = 4410;

    /// <summary>
    /// 4413, Velithon's own: the session had to drop a message the client had not acknowledged (more than its
    /// <c>MaxBufferedMessages</c>), so it cannot replay exactly what the client missed. Start a new session.
    /// Echoes HTTP's 413 Content Too Large.
    /// </summary>
    public const int SessionBufferOverflow = 4413;

    /// <summary>
    /// 4421, Velithon's own: the resume token names another server (sessions live in the memory of the server that
    /// accepted them). Start a new session, or route the client back to that server. Echoes HTTP's 421 Misdirected Request.
    /// </summary>
    public const int SessionOnAnotherServer = 4421;

    /// <summary>
    /// True when <paramref name="code"/> may be sent in a close frame: 1000-1003, 1007-1014 and the
    /// ranges 3000-4999 for libraries and applications (RFC 6455 section 7.4.2).
    /// </summary>
    public static bool CanBeSent(int code) =>
        code is >= 1000 and <= 1003 or >= 1007 and <= 1014 or >= 3000 and <= 4999;

    /// <summary>
    /// True when <paramref name="code"/> says the peer ended the connection normally: 1000 (its purpose fulfilled),
    /// 1001 (going away, as a browser leaving the page) or 1005 (a close frame without a status), RFC 6455 section
    /// 7.4.1. <see cref="WebSocket.ReceiveMessagesAsync"/> ends quietly on these and throws on any other end.
    /// </summary>
    public static bool IsNormalClosure(int code) =>
        code is NormalClosure or GoingAway or NoStatusReceived;
}
