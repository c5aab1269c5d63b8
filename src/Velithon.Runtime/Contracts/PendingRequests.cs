using System;
using System.Collections.Generic;
using System.Threading;

namespace Velithon.Contracts;

/// <summary>
/// A connection's table of the requests the server awaits answers to, by id, bounded: at the bound a new request is
/// refused at once (no hidden queue). Closed when the connection ends, after which every request is refused.
/// </summary>
internal sealed class PendingRequests(int limit)
{
    /// <summary>A table closed from the start, shared: the one a connection that ended before its first request gets.</summary>
    public static readonly PendingRequests Closed = new(0) { _closed = true };

    private readonly Lock _lock = new();
    private readonly Dictionary<long, PendingRequest> _requests = [];
    private long _lastId;
    private bool _closed;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>Adds <paramref name="request"/> with the next id; false, with the reason, when the table is full or closed.</summary>
    public bool TryAdd(PendingRequest request, out AddRefusal refusal)
    {
        lock (_lock)
        {
            if (_closed)
            {
                refusal = AddRefusal.Closed;
                return false;
            }

            if (_requests.Count >= limit)
            {
                refusal = AddRefusal.Full;
                return false;
            }

            // Ids count up from 1 and stay below 2^53 (a JavaScript number's exact range): at this connection's pace
            // they never wrap, but if they did, an id still pending is skipped.
            do
            {
                _lastId = _lastId >= EnvelopeReader.MaxId ? 1 : _lastId + 1;
            }
            while (_requests.ContainsKey(_lastId));

            request.Id = _lastId;
            _requests.Add(_lastId, request);
            refusal = default;
            return true;
        }
    }

    /// <summary>Takes the request with <paramref name="id"/> out of the table; null when there is none (answered, timed out, unknown).</summary>
    public PendingRequest? TryRemove(long id)
    {
        lock (_lock)
        {
            return _requests.Remove(id, out var request) ? request : null;
        }
    }

    /// <summary>Takes <paramref name="request"/> out of the table; false when someone else did first.</summary>
    public bool TryRemove(PendingRequest request)
    {
        lock (_lock)
        {
            return _requests.TryGetValue(request.Id, out var found) && ReferenceEquals(found, request) && _requests.Remove(request.Id);
        }
    }

    /// <summary>Closes the table and returns what it held, for the caller to fail.</summary>
    public PendingRequest[] Close()
    {
        lock (_lock)
        {
            _closed = true;
            if (_requests.Count == 0)
            {
                return [];
            }

            var requests = new PendingRequest[_requests.Count];
            _requests.Values.CopyTo(requests, 0);
            _requests.Clear();
            return requests;
        }
    }

    /// <summary>Why <see cref="TryAdd"/> refused.</summary>
    public enum AddRefusal
    {
        Full = 1,
        Closed = 2,
    }
}
