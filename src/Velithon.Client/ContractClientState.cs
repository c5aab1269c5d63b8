namespace Velithon;

/// <summary>Where a <see cref="ContractClient"/> is in its life.</summary>
public enum ContractClientState
{
    /// <summary>Created; no connection attempted yet.</summary>
    Created,

    /// <summary>The first handshake is in progress.</summary>
    Connecting,

    /// <summary>Connected: messages and requests go out.</summary>
    Open,

    /// <summary>The connection ended and a new one is being attempted after a back-off delay.</summary>
    Reconnecting,

    /// <summary>Closed for good: by <see cref="ContractClient.CloseAsync"/>, by the server, or after the last reconnection attempt.</summary>
    Closed,
}
