using Microsoft.Extensions.Primitives;
using Velithon.Protocol.Compression;

namespace Velithon.Runtime.Tests.Compression;

/// <summary>The server's answer to Sec-WebSocket-Extensions offers (RFC 7692 section 7.1, RFC 6455 section 9.1).</summary>
public class PerMessageDeflateNegotiationTests
{
    private const string Deflate = "permessage-deflate";

    public static TheoryData<string, int, bool, string?> Offers => new()
    {
        // Plain offers: the response names what the server does.
        { "permessage-deflate", 15, false, Deflate },
        { "permessage-deflate", 10, false, Deflate + "; server_max_window_bits=10" },
        { "permessage-deflate", 15, true, Deflate + "; server_no_context_takeover" },
        { "permessage-deflate; server_no_context_takeover", 15, false, Deflate + "; server_no_context_takeover" },
        { "permessage-deflate; client_no_context_takeover", 15, false, Deflate + "; client_no_context_takeover" },
        // Section 7.1.2.1: the server answers a window limit with the same or a smaller one.
        { "permessage-deflate; server_max_window_bits=10", 15, false, Deflate + "; server_max_window_bits=10" },
        { "permessage-deflate; server_max_window_bits=12", 10, false, Deflate + "; server_max_window_bits=10" },
        { "permessage-deflate; server_max_window_bits=15", 15, false, Deflate + "; server_max_window_bits=15" },
        // Section 7.1.2.2: without a value the server picks; with one, never more.
        { "permessage-deflate; client_max_window_bits", 15, false, Deflate + "; client_max_window_bits=15" },
        { "permessage-deflate; client_max_window_bits=10", 15, false, Deflate + "; client_max_window_bits=10" },
        { "permessage-deflate; client_max_window_bits=8", 15, false, Deflate + "; client_max_window_bits=8" },
        {
            "permessage-deflate; client_no_context_takeover; server_no_context_takeover; server_max_window_bits=9; client_max_window_bits=9", 12, false,
            Deflate + "; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=9"
        },
        // Section 7: an unknown parameter, a repeated one or a value not allowed declines the offer.
        { "permessage-deflate; foo", 15, false, null },
        { "permessage-deflate; foo=1", 15, false, null },
        { "permessage-deflate; server_no_context_takeover; server_no_context_takeover", 15, false, null },
        { "permessage-deflate; client_no_context_takeover; Client_No_Context_Takeover", 15, false, null },
        { "permessage-deflate; client_max_window_bits; client_max_window_bits=10", 15, false, null },
        { "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10", 15, false, null },
        { "permessage-deflate; server_no_context_takeover=1", 15, false, null },
        { "permessage-deflate; client_no_context_takeover=true", 15, false, null },
        { "permessage-deflate; server_max_window_bits", 15, false, null },
        { "permessage-deflate; server_max_window_bits=7", 15, false, null },
        { "permessage-deflate; server_max_window_bits=16", 15, false, null },
        { "permessage-deflate; server_max_window_bits=09", 15, false, null },
        { "permessage-deflate; server_max_window_bits=+9", 15, false, null },
        { "permessage-deflate; server_max_window_bits=x", 15, false, null },
        { "permessage-deflate; server_max_window_bits=\"1 0\"", 15, false, null },
        { "permessage-deflate; client_max_window_bits=7", 15, false, null },
        { "permessage-deflate; client_max_window_bits=16", 15, false, null },
        { "permessage-deflate; client_max_window_bits=010", 15, false, null },
        // zlib cannot compress with a window of 8: declined rather than answered with a larger window.
        { "permessage-deflate; server_max_window_bits=8", 15, false, null },
        // Other extensions are not ours to accept.
        { "x-webkit-deflate-frame", 15, false, null },
        { "", 15, false, null },
        // The first acceptable offer wins; the declined ones before it are skipped.
        { "permessage-deflate; server_max_window_bits=8, permessage-deflate; client_max_window_bits", 15, false, Deflate + "; client_max_window_bits=15" },
        { "permessage-deflate; client_max_window_bits=10, permessage-deflate", 15, false, Deflate + "; client_max_window_bits=10" },
        { "permessage-deflate; foo, permessage-deflate; server_no_context_takeover, permessage-deflate", 15, false, Deflate + "; server_no_context_takeover" },
        { "foo; bar=1, permessage-deflate", 15, false, Deflate },
        // Quoted values are unescaped and then read as tokens (RFC 6455 section 9.1).
        { "permessage-deflate; client_max_window_bits=\"10\"", 15, false, Deflate + "; client_max_window_bits=10" },
        { "permessage-deflate; server_max_window_bits=\"1\\1\"", 15, false, Deflate + "; server_max_window_bits=11" },
        { "foo; bar=\"a, b; c\", permessage-deflate", 15, false, Deflate },
        // Names compare without case.
        { "PerMessage-Deflate; Server_Max_Window_Bits=11; CLIENT_MAX_WINDOW_BITS", 15, false, Deflate + "; server_max_window_bits=11; client_max_window_bits=15" },
        // Whitespace around separators and empty list elements are allowed.
        { "  permessage-deflate ;  client_max_window_bits = 10 ,  ", 15, false, Deflate + "; client_max_window_bits=10" },
        { ", , permessage-deflate", 15, false, Deflate },
        // A malformed header declines everything, even an offer before the fault.
        { "permessage-deflate; ", 15, false, null },
        { "permessage-deflate;; server_no_context_takeover", 15, false, null },
        { "permessage-deflate; client_max_window_bits=\"10", 15, false, null },
        { "permessage-deflate; client_max_window_bits=\"10\\", 15, false, null },
        { "permessage-deflate client_max_window_bits", 15, false, null },
        { "permessage-deflate; server_max_window_bits=", 15, false, null },
        { "permessage-deflate; client_max_window_bits=10 11", 15, false, null },
        { "permessage-deflate, foo;", 15, false, null },
        { "=permessage-deflate", 15, false, null },
        { "permessage-deflate; client_max_window_bits=\"1\u00010\"", 15, false, null },
        { "permessage-déflate", 15, false, null },
    };

    [Theory]
    [MemberData(nameof(Offers))]
    public void Negotiate_Offer_AnswersOrDeclines(string header, int serverMaxWindowBits, bool disableServerContextTakeover, string? expected)
    {
        PerMessageDeflateParameters? parameters = PerMessageDeflateNegotiation.Negotiate(header, serverMaxWindowBits, disableServerContextTakeover, out string? response);

        Assert.Equal(expected, response);
        Assert.Equal(expected is not null, parameters.HasValue);
    }

    [Fact]
    public void Negotiate_EveryHeaderValue_IsRead()
    {
        var header = new StringValues(["foo; bar=1", "permessage-deflate; server_max_window_bits=8", "permessage-deflate; server_no_context_takeover"]);

        PerMessageDeflateParameters? parameters = PerMessageDeflateNegotiation.Negotiate(header, 15, false, out string? response);

        Assert.Equal(Deflate + "; server_no_context_takeover", response);
        Assert.Equal(new PerMessageDeflateParameters(15, 15, ServerNoContextTakeover: true, ClientNoContextTakeover: false), parameters);
    }

    [Fact]
    public void Negotiate_MalformedLaterValue_DeclinesAll()
    {
        var header = new StringValues(["permessage-deflate", "permessage-deflate; ;"]);

        Assert.Null(PerMessageDeflateNegotiation.Negotiate(header, 15, false, out string? response));
        Assert.Null(response);
    }

    [Fact]
    public void Negotiate_NoHeader_Declines()
    {
        Assert.Null(PerMessageDeflateNegotiation.Negotiate(StringValues.Empty, 15, false, out string? response));
        Assert.Null(response);
    }

    [Theory]
    [InlineData("permessage-deflate", 15, false, 15, 15, false, false)]
    [InlineData("permessage-deflate", 9, true, 9, 15, true, false)]
    [InlineData("permessage-deflate; client_max_window_bits=8; client_no_context_takeover", 12, false, 12, 8, false, true)]
    [InlineData("permessage-deflate; server_max_window_bits=11; server_no_context_takeover; client_max_window_bits", 13, false, 11, 15, true, false)]
    public void Negotiate_Accepted_ParametersMatchResponse(string header, int configured, bool disable, int serverBits, int clientBits, bool serverNoContext, bool clientNoContext)
    {
        PerMessageDeflateParameters? parameters = PerMessageDeflateNegotiation.Negotiate(header, configured, disable, out _);

        Assert.Equal(new PerMessageDeflateParameters(serverBits, clientBits, serverNoContext, clientNoContext), parameters);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Negotiate_ConfiguredWindowOutOfRange_Throws(int bits)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PerMessageDeflateNegotiation.Negotiate(Deflate, bits, false, out _));
    }
}
