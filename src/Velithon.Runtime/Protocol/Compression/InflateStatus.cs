namespace Velithon.Protocol.Compression;

/// <summary>The outcome of feeding one frame's payload to a <see cref="PerMessageInflater"/>.</summary>
internal enum InflateStatus
{
    /// <summary>The payload was inflated; at the end of a message, the message is complete.</summary>
    Ok,

    /// <summary>The message inflates to more than the size limit: the caller closes with 1009 (RFC 6455 section 7.4.1).</summary>
    TooBig,

    /// <summary>The payload is not valid DEFLATE data: the caller closes with 1007 (RFC 6455 section 7.4.1).</summary>
    Invalid,
}
