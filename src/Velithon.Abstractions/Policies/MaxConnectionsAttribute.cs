using System;

namespace Velithon;

/// <summary>
/// The most connections (open or in their handshake) this route holds at once, at least 1; a handshake beyond it is
/// refused with HTTP 503. It applies besides <c>VelithonOptions.MaxConnections</c>, which counts every route.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class MaxConnectionsAttribute(int limit) : Attribute
{
    /// <summary>The limit.</summary>
    public int Limit { get; } = limit;
}
