using System;

namespace Velithon;

/// <summary>
/// The largest message, in bytes after reassembly and decompression, that connections of this route accept;
/// a larger one closes the connection with 1009 (RFC 6455 section 7.4.1). Overrides
/// <c>VelithonOptions.MaxMessageSize</c> for this handler, endpoint class, or every handler of a class.
/// </summary>
/// <remarks>The value must be at least 1; the generator reports anything else at the argument.</remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class MaxMessageSizeAttribute(int bytes) : Attribute
{
    /// <summary>The limit, in bytes.</summary>
    public int Bytes { get; } = bytes;

    /// <summary>Why a limit above the default (1 MiB) is safe here; without one, a larger limit is a build warning.</summary>
    public string? Reason { get; set; }
}
