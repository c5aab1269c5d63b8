using Microsoft.AspNetCore.Http.Features;

namespace Velithon.Runtime.Tests.WritesInProgress;

/// <summary>
/// A request's lifetime as Kestrel runs it: <see cref="Abort"/> (<c>HttpContext.Abort()</c>, or the peer resetting
/// the connection) aborts the transport the test gave it, then fires <see cref="RequestAborted"/>.
/// </summary>
public sealed class RequestLifetime : IHttpRequestLifetimeFeature
{
    private readonly CancellationTokenSource _aborted = new();
    private int _aborts;

    /// <summary>What aborting the connection does to its transport.</summary>
    public Action? AbortTransport { get; set; }

    /// <summary>How many times the connection was aborted.</summary>
    public int Aborts => Volatile.Read(ref _aborts);

    public CancellationToken RequestAborted
    {
        get => _aborted.Token;
        set => throw new NotSupportedException("The test's request keeps its own token.");
    }

    public void Abort()
    {
        Interlocked.Increment(ref _aborts);
        AbortTransport?.Invoke();
        _aborted.Cancel();
    }
}
