namespace Velithon.Runtime.Tests;

/// <summary>
/// One table of origins for the one rule (docs/limits-and-security.md): the runtime's tests (OriginRuleTests in
/// Velithon.Runtime.Tests) run it through the options validator and the handshake's origin check, the generator's
/// (OriginRuleTests in Velithon.Generators.Tests, which link this file) through VLT0030. A row that one side
/// accepts and the other refuses fails one of them, so the build check and the runtime cannot drift apart.
/// </summary>
public static class OriginCases
{
    /// <summary>An origin: <see cref="Text"/> as written, <see cref="Serialized"/> as RFC 6454 section 6.2 serializes it.</summary>
    public sealed record Valid(string Text, string Serialized);

    /// <summary>Not an origin: <see cref="Problem"/> is the clause both sides give as the reason.</summary>
    public sealed record Invalid(string Text, string Problem);

    public static readonly Valid[] Origins =
    [
        new("https://app.example", "https://app.example"),
        new("http://app.example", "http://app.example"),
        new("HTTPS://App.Example", "https://app.example"),
        new("https://app.example:443", "https://app.example"),
        new("http://app.example:80", "http://app.example"),
        new("https://app.example:80", "https://app.example:80"),
        new("http://app.example:443", "http://app.example:443"),
        new("https://app.example:8443", "https://app.example:8443"),
        new("http://app.example:1", "http://app.example:1"),
        new("http://app.example:65535", "http://app.example:65535"),

        // One trailing '/', as an address copied from the address bar has.
        new("https://app.example/", "https://app.example"),
        new("https://APP.example:443/", "https://app.example"),
        new("http://localhost:5173/", "http://localhost:5173"),

        new("http://localhost:5173", "http://localhost:5173"),
        new("https://my_host.internal", "https://my_host.internal"),
        new("https://a-b.c-d.example", "https://a-b.c-d.example"),
        new("https://xn--bcher-kva.example", "https://xn--bcher-kva.example"),
        new("https://1.example", "https://1.example"),
        new("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        new("http://10.0.0.255", "http://10.0.0.255"),
        new("http://0.0.0.0", "http://0.0.0.0"),

        // IPv6 literals, serialized as the WHATWG URL standard (and so browsers) does.
        new("https://[::1]", "https://[::1]"),
        new("https://[::1]:443", "https://[::1]"),
        new("http://[2001:DB8::1]:8080", "http://[2001:db8::1]:8080"),
        new("http://[0:0:0:0:0:0:0:1]", "http://[::1]"),
        new("http://[::]", "http://[::]"),
        new("http://[2001:db8:0:0:1:0:0:1]", "http://[2001:db8::1:0:0:1]"),
        new("http://[1:0:0:2:0:0:0:3]", "http://[1:0:0:2::3]"),
        new("http://[1:2:3:4:5:6:7::]", "http://[1:2:3:4:5:6:7:0]"),
        new("http://[0001:02:3:4:5:6:7:8]", "http://[1:2:3:4:5:6:7:8]"),
        new("http://[::ffff:192.0.2.1]", "http://[::ffff:c000:201]"),
    ];

    public static readonly Invalid[] NotOrigins =
    [
        new("app.example", "it does not start with http:// or https://"),
        new("null", "it does not start with http:// or https://"),
        new("", "it does not start with http:// or https://"),
        new("//app.example", "it does not start with http:// or https://"),
        new(" https://app.example", "it does not start with http:// or https://"),
        new("ws://app.example", "its scheme is ws, which names the WebSocket URL, where an origin names the page that opens it, served over http or https"),
        new("WSS://app.example", "its scheme is WSS, which names the WebSocket URL, where an origin names the page that opens it, served over http or https"),
        new("ftp://app.example", "its scheme is ftp, not http or https"),
        new("chrome-extension://abcdefghijklmnop", "its scheme is chrome-extension, not http or https"),
        new("file:///srv/index.html", "its scheme is file, not http or https"),

        new("https://", "it has no host"),
        new("https://:443", "it has no host"),
        new("https://user@app.example", "it has user info (before '@'), which an origin never holds"),
        new("https://user:secret@app.example", "it has user info (before '@'), which an origin never holds"),

        new("https://app.example/chat", "it has a path, where an origin ends after the host or port (or one '/')"),
        new("https://app.example//", "it has a path, where an origin ends after the host or port (or one '/')"),
        new("https://app.example?x=1", "it has a query ('?'), which an origin never holds"),
        new("https://app.example/?x=1", "it has a query ('?'), which an origin never holds"),
        new("https://app.example#top", "it has a fragment ('#'), which an origin never holds"),

        new("https://app.example:99999", "its port is not a number from 1 to 65535 without leading zeros"),
        new("https://app.example:65536", "its port is not a number from 1 to 65535 without leading zeros"),
        new("https://app.example:0", "its port is not a number from 1 to 65535 without leading zeros"),
        new("https://app.example:08443", "its port is not a number from 1 to 65535 without leading zeros"),
        new("https://app.example:", "its port is not a number from 1 to 65535 without leading zeros"),
        new("https://app.example:https", "its port is not a number from 1 to 65535 without leading zeros"),
        new("https://app.example:443:1", "its port is not a number from 1 to 65535 without leading zeros"),

        new("https://.app.example", "its host has an empty label (a leading, trailing or doubled '.')"),
        new("https://app.example.", "its host has an empty label (a leading, trailing or doubled '.')"),
        new("https://app..example", "its host has an empty label (a leading, trailing or doubled '.')"),
        new("https://bücher.example", "its host is not ASCII, where browsers send an internationalized name in its xn-- form"),
        new("https://app%2Eexample", "its host is percent-encoded, which browsers never send"),
        new("https://*.app.example", "its host holds '*', which no host name holds"),
        new("https://app example", "its host holds ' ', which no host name holds"),
        new("https://app.example ", "its host holds ' ', which no host name holds"),

        new("http://1.2.3", "its host ends in a number but is not an IPv4 address of four decimal numbers from 0 to 255 without leading zeros"),
        new("http://256.1.1.1", "its host ends in a number but is not an IPv4 address of four decimal numbers from 0 to 255 without leading zeros"),
        new("http://01.2.3.4", "its host ends in a number but is not an IPv4 address of four decimal numbers from 0 to 255 without leading zeros"),
        new("http://1.2.3.4.5", "its host ends in a number but is not an IPv4 address of four decimal numbers from 0 to 255 without leading zeros"),
        new("http://127.0.0.0x1", "its host ends in a number but is not an IPv4 address of four decimal numbers from 0 to 255 without leading zeros"),
        new("http://app.123", "its host ends in a number but is not an IPv4 address of four decimal numbers from 0 to 255 without leading zeros"),

        new("http://[::1", "its IPv6 address has no closing ']'"),
        new("http://[::1]x", "its IPv6 address is followed by something other than a port"),
        new("http://[]", "its IPv6 address is not valid"),
        new("http://[1::2::3]", "its IPv6 address is not valid"),
        new("http://[12345::1]", "its IPv6 address is not valid"),
        new("http://[1:2:3:4:5:6:7:8:9]", "its IPv6 address is not valid"),
        new("http://[1:2:3:4:5:6:7]", "its IPv6 address is not valid"),
        new("http://[::1%25eth0]", "its IPv6 address is not valid"),
        new("http://[::ffff:1.2.3]", "its IPv6 address is not valid"),
        new("http://[g::1]", "its IPv6 address is not valid"),
        new("http://[127.0.0.1]", "its IPv6 address is not valid"),
        new("https://[::1]:0", "its port is not a number from 1 to 65535 without leading zeros"),
    ];

    /// <summary>How the messages that refuse an origin say to write one.</summary>
    public const string Expected = "scheme://host[:port] with the scheme http or https, for example https://app.example";
}
