using System.Collections.Generic;
using System.Net;
using System.Threading;
using Velithon.Metrics;

namespace Velithon.Limits;

/// <summary>
/// Counts the WebSocket connections held (from handshake to end), globally and per remote IP address, so a
/// handshake over <see cref="VelithonOptions.MaxConnections"/> gets 503 and one over
/// <see cref="VelithonOptions.MaxConnectionsPerIp"/> gets 429 before any handler code runs.
/// </summary>
internal sealed class ConnectionLimiter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly int _maxConnections;
    private readonly int _maxPerAddress;
    private int _total;

    private ConnectionLimiter(int maxConnections, int maxPerAddress)
    {
        _maxConnections = maxConnections;
        _maxPerAddress = maxPerAddress;
    }

    public static ConnectionLimiter? Create(VelithonOptions options) =>
        options.MaxConnections is null && options.MaxConnectionsPerIp is null
            ? null
            : new ConnectionLimiter(options.MaxConnections ?? int.MaxValue, options.MaxConnectionsPerIp ?? int.MaxValue);

    /// <summary>Takes a slot for a connection from <paramref name="address"/>, or says which limit refuses it.</summary>
    /// <returns><see langword="null"/> when the connection may proceed; otherwise the rejection reason.</returns>
    public string? TryAcquire(IPAddress? address)
    {
        lock (_lock)
        {
            if (_total >= _maxConnections)
            {
                return RejectionReasons.TooManyConnections;
            }

            if (address is not null)
            {
                _perAddress.TryGetValue(address, out int held);
                if (held >= _maxPerAddress)
                {
                    return RejectionReasons.TooManyConnectionsFromIp;
                }

                _perAddress[address] = held + 1;
            }

            _total++;
            return null;
        }
    }

    public void Release(IPAddress? address)
    {
        lock (_lock)
        {
            _total--;
            if (address is not null && _perAddress.TryGetValue(address, out int held))
            {
                if (held <= 1)
                {
                    _perAddress.Remove(address);
                }
                else
                {
                    _perAddress[address] = held - 1;
                }
            }
        }
    }
}
