using System;
using System.ComponentModel;
using System.Threading.Tasks;
using Velithon.Contracts;

namespace Velithon;

/// <summary>
/// The contract version at the handshake (docs/contracts.md, "The contract version"): a generated client offers
/// <c>velithon.&lt;version&gt;</c> as a subprotocol (RFC 6455 section 4.1, <c>Sec-WebSocket-Protocol</c>); the server
/// confirms its own version, and refuses another with 4426.
/// </summary>
public abstract partial class ContractSocket
{
    /// <summary>What a Velithon contract subprotocol starts with; 16 lowercase hexadecimal digits follow.</summary>
    internal const string SubprotocolPrefix = "velithon.";

    private const int VersionLength = 16;

    /// <summary>
    /// Creates the typed socket of <paramref name="socket"/>'s connection, as the other constructor does, with the
    /// contract's subprotocol: the generated class passes its <c>ContractSubprotocol</c>.
    /// </summary>
    /// <param name="socket">The connection the generated route was given.</param>
    /// <param name="dispatch">The route's generated dispatch of inbound messages.</param>
    /// <param name="subprotocol">The contract's subprotocol, <c>velithon.</c> and 16 lowercase hexadecimal digits.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="subprotocol"/> is not a Velithon contract subprotocol.</exception>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="socket"/> is not a connection of Velithon's runtime, or it has a typed socket already.
    /// </exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected ContractSocket(WebSocket socket, ContractDispatch dispatch, string subprotocol)
        : this(socket, dispatch)
    {
        ArgumentNullException.ThrowIfNull(subprotocol);
        if (!IsContractSubprotocol(subprotocol))
        {
            throw new ArgumentException($"'{subprotocol}' is not a Velithon contract subprotocol ('velithon.' and 16 lowercase hexadecimal digits).", nameof(subprotocol));
        }

        VersionSubprotocol = subprotocol;
    }

    /// <summary>The contract's subprotocol; null for a typed socket created without one.</summary>
    internal string? VersionSubprotocol { get; }

    /// <summary>
    /// Refuses a client built against another version of the contract: one that offers a Velithon contract
    /// subprotocol, none of them this contract's. The handshake is accepted with the subprotocol the client offered
    /// (a browser fails a handshake whose response names none of its offers, and reports only 1006), then closed at
    /// once with 4426 and a reason naming both versions. The generated route calls it before the handler runs.
    /// </summary>
    /// <param name="refusal">The refusal, to return as the route's task; null when the client is not refused.</param>
    /// <returns>True when the client is refused.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public bool TryRefuseOtherContractVersion(out Task? refusal)
    {
        refusal = null;
        if (VersionSubprotocol is null)
        {
            return false;
        }

        string? other = null;
        foreach (var offered in _connection.RequestedSubProtocols)
        {
            if (string.Equals(offered, VersionSubprotocol, StringComparison.Ordinal))
            {
                return false;
            }

            if (other is null && IsContractSubprotocol(offered))
            {
                other = offered;
            }
        }

        if (other is null)
        {
            return false;
        }

        refusal = RefuseAsync(other, VersionSubprotocol);
        return true;
    }

    /// <summary>The subprotocol to confirm when the route accepts without naming one: the contract's, when the client offered it.</summary>
    internal string? OfferedContractSubprotocol()
    {
        if (VersionSubprotocol is null)
        {
            return null;
        }

        foreach (var offered in _connection.RequestedSubProtocols)
        {
            if (string.Equals(offered, VersionSubprotocol, StringComparison.Ordinal))
            {
                return offered;
            }
        }

        return null;
    }

    private async Task RefuseAsync(string offered, string ours)
    {
        await _connection.AcceptAsync(offered).ConfigureAwait(false);
        await _connection.CloseAsync(
            WebSocketCloseCode.ContractVersionMismatch,
            $"Contract version mismatch: client {offered}, server {ours}.").ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="value"/> is <c>velithon.</c> followed by exactly 16 lowercase hexadecimal digits.</summary>
    internal static bool IsContractSubprotocol(string value)
    {
        if (value.Length != SubprotocolPrefix.Length + VersionLength || !value.StartsWith(SubprotocolPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        for (int i = SubprotocolPrefix.Length; i < value.Length; i++)
        {
            if (value[i] is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
