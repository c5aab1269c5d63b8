using System;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace Velithon.Connections;

/// <summary>
/// The connection's typed contract, when its route has one: the <see cref="ContractSocket"/> attaches itself here so
/// that <c>TSocket.From(ws)</c> finds it, and the connection's end fails the socket's pending requests.
/// </summary>
internal sealed partial class ServerWebSocket
{
    private ContractSocket? _contract;

    /// <summary>The typed socket of this connection's contract, or null when its route has none.</summary>
    internal ContractSocket? Contract => Volatile.Read(ref _contract);

    /// <summary>Makes <paramref name="contract"/> this connection's typed socket; a connection has one.</summary>
    /// <exception cref="InvalidOperationException">The connection has a typed socket already.</exception>
    internal void AttachContract(ContractSocket contract)
    {
        if (Interlocked.CompareExchange(ref _contract, contract, null) is { } existing)
        {
            throw new InvalidOperationException(
                $"This connection already has the typed socket {existing.GetType().FullName}; a connection has one contract socket, created by the generated route.");
        }
    }

    /// <summary>Sends serialized JSON (an envelope) as one text message on the accepted connection; the socket copies it before this returns.</summary>
    internal ValueTask SendSerializedTextAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken) =>
        SendCoreAsync(json, WebSocketMessageType.Text, cancellationToken);

    /// <summary>Accepts the handshake, as the first send of a handler that did not does.</summary>
    internal ValueTask AcceptBeforeSendAsync() => AcceptImplicitlyAsync();

    /// <summary>The exception a call on this ended connection reports: its close code and reason.</summary>
    internal WebSocketDisconnectException CreateEndedException() => CreateDisconnectException(null);
}
