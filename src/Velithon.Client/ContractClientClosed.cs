namespace Velithon;

/// <summary>How a <see cref="ContractClient"/>'s connection ended.</summary>
/// <param name="Code">The close code (RFC 6455 section 7.4); 1006 when the connection dropped without a close frame.</param>
/// <param name="Reason">The close reason; empty for none.</param>
/// <param name="WillReconnect">Whether a new connection will be attempted after a back-off delay.</param>
public sealed record ContractClientClosed(int Code, string Reason, bool WillReconnect);
