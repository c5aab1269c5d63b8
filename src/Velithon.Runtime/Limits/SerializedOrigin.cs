using System;

namespace Velithon.Limits;

/// <summary>
/// An origin as RFC 6454 section 6.2 serializes it (<c>https://app.example</c>, <c>http://[::1]:8080</c>): scheme
/// and host in lower case, the port only when it is not the scheme's default. Made by <see cref="OriginSyntax"/>.
/// </summary>
/// <remarks>Shared as source with the generator (netstandard2.0): no spans.</remarks>
internal readonly struct SerializedOrigin
{
    private readonly int _hostStart;
    private readonly int _hostLength;

    public SerializedOrigin(string value, int hostStart, int hostLength, int port, int defaultPort)
    {
        Value = value;
        _hostStart = hostStart;
        _hostLength = hostLength;
        Port = port;
        DefaultPort = defaultPort;
    }

    /// <summary>The serialization: the text parsed itself when it was already serialized (no copy), else a new string.</summary>
    public string Value { get; }

    /// <summary>The host, lower case; an IPv6 address in brackets, as in a <c>Host</c> header.</summary>
    public string Host => Value.Substring(_hostStart, _hostLength);

    /// <summary>The port, the scheme's default when none was written.</summary>
    public int Port { get; }

    /// <summary>The scheme's default port: 80 for http, 443 for https.</summary>
    public int DefaultPort { get; }

    /// <summary>
    /// Whether the host is <paramref name="text"/>'s characters <paramref name="start"/> to <paramref name="start"/> +
    /// <paramref name="length"/>, without case (the host part of a <c>Host</c> header, compared without a copy).
    /// </summary>
    public bool HostEquals(string text, int start, int length) =>
        length == _hostLength && string.Compare(Value, _hostStart, text, start, length, StringComparison.OrdinalIgnoreCase) == 0;
}
