using System;

namespace Velithon;

/// <summary>
/// The origins (<c>scheme://host[:port]</c>, compared as RFC 6454 serializes them) whose browsers may open
/// connections to this route; <c>"*"</c> allows any. A handshake from another origin is refused with 403.
/// Overrides <c>VelithonOptions.AllowedOrigins</c>.
/// </summary>
/// <remarks>
/// Each entry is <c>"*"</c> or an http or https origin, by the one rule of docs/limits-and-security.md#origins
/// (scheme and host in any case, the default port and one trailing <c>/</c> allowed); any other entry is
/// error VLT0030 at build, with the reason.
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class AllowedOriginsAttribute(params string[] origins) : Attribute
{
    /// <summary>The allowed origins.</summary>
    public string[] Origins { get; } = origins;

    /// <summary>Why any origin (<c>"*"</c>) is safe here; without one, <c>"*"</c> is a build warning.</summary>
    public string? Reason { get; set; }
}
