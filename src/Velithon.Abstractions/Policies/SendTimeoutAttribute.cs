using System;

namespace Velithon;

/// <summary>
/// How long, in milliseconds, one send to a connection of this route may wait for the peer to take its data before
/// the connection is ended (1006); 0 disables it. Overrides <c>VelithonOptions.SendTimeout</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class SendTimeoutAttribute(int milliseconds) : Attribute
{
    /// <summary>The timeout, in milliseconds; 0 for none.</summary>
    public int Milliseconds { get; } = milliseconds;

    /// <summary>Why no send timeout is safe here; without one, 0 is a build warning.</summary>
    public string? Reason { get; set; }
}
