using System;

namespace Velithon;

/// <summary>
/// How long, in milliseconds, a connection of this route may go without receiving a message before the server
/// closes it with 1001 and the reason "Idle timeout"; 0 disables it. Overrides <c>VelithonOptions.IdleTimeout</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class IdleTimeoutAttribute(int milliseconds) : Attribute
{
    /// <summary>The timeout, in milliseconds; 0 for none.</summary>
    public int Milliseconds { get; } = milliseconds;
}
