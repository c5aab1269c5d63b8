namespace Velithon.Benchmarks;

/// <summary>How an idle connection of the benchmark's client ended (<see cref="IdleConnection"/>).</summary>
public enum ConnectionEndKind
{
    /// <summary>The server sent a close frame (RFC 6455 section 5.5.1); its code and reason are recorded.</summary>
    Close,

    /// <summary>The server's side of TCP ended (FIN) without a close frame: an abort, 1006 to the server's handler.</summary>
    EndOfStream,

    /// <summary>
    /// A socket error, usually ConnectionReset: the server closed with data it had not read still in its receive buffer
    /// (Linux then sends RST instead of FIN), or the connection was reset on the way.
    /// </summary>
    Reset,

    /// <summary>The server sent what RFC 6455 forbids to a client (a masked frame, a long or fragmented control frame).</summary>
    ProtocolError,

    /// <summary>An exception the client did not expect; its type is recorded.</summary>
    Failure,
}
