using System.Threading;
using Velithon.Protocol;
using Velithon.Sessions;

namespace Velithon.Connections;

/// <summary>
/// The connection's resumable session, when its route has <c>[ResumableSession]</c> and its client negotiated
/// <see cref="ResumeProtocol.SubProtocol"/>: the connection then outlives each transport (docs/resumable-sessions.md).
/// </summary>
internal sealed partial class ServerWebSocket
{
    // Set once, at accept, with _socket.
    private ResumableSession? _session;

    /// <summary>The session, or null when the connection is not resumable.</summary>
    internal ResumableSession? Session => _session;

    /// <summary>A resume attached <paramref name="transport"/>: the connection's close, keep-alive and deadlines use it from now on.</summary>
    internal void ReplaceTransport(FrameWebSocket transport) => Volatile.Write(ref _socket, transport);

    /// <summary>
    /// <paramref name="transport"/> failed a deadline (keep-alive, send timeout): a resumable session detaches from it
    /// and waits for its client; any other connection ends at once with 1006.
    /// </summary>
    internal void AbortTransport(FrameWebSocket transport)
    {
        if (_session is { } session)
        {
            session.OnTransportLost(transport);
            return;
        }

        AbortForDeadline();
    }
}
