namespace Velithon.Runtime.Tests.Conformance;

/// <summary>
/// The conformance suite with permessage-deflate where the client offers no context takeover in both directions
/// (RFC 7692 sections 7.1.1.1, 7.1.1.2): each side starts every message with an empty window, and the raw client
/// starts a new compressor and inflater for each message.
/// </summary>
public sealed class DeflateNoContextTakeoverConformanceTests(ServerFixture fixture) : DeflateConformanceTests(fixture)
{
    protected override string Offer => "permessage-deflate; client_no_context_takeover; server_no_context_takeover";
}
