namespace Velithon.Runtime.Tests.Conformance;

/// <summary>
/// The conformance suite on Kestrel with permessage-deflate agreed on (RFC 7692), offered plainly: both sides keep
/// their LZ77 window across messages (section 7.1.1). The raw client compresses every data message with its own
/// deflate (System.IO.Compression), keeping its window too, and inflates the server's messages.
/// </summary>
public class DeflateConformanceTests(ServerFixture fixture) : ConformanceTests, IClassFixture<ServerFixture>
{
    /// <summary>The Sec-WebSocket-Extensions offer.</summary>
    protected virtual string Offer => "permessage-deflate";

    protected override bool Deflate => true;

    protected override async Task<RawWebSocket> ConnectAsync(string path)
    {
        // The compression-enabled twins of the conformance echo handlers.
        string compressedPath = path switch
        {
            EchoPath => "/compressed/echo",
            EchoTextPath => "/compressed/echo-text",
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "No compression-enabled twin."),
        };
        var socket = await RawWebSocket.ConnectAsync(fixture.Server.Http1Base, compressedPath, 1, "Sec-WebSocket-Extensions: " + Offer);
        Assert.True(socket.DeflateNegotiated, socket.HandshakeResponse);
        return socket;
    }

    /// <summary>
    /// The echo comes back compressed, so this variant does check the raw client's inflating against the server's
    /// deflate, with the window rule of the offer, across several messages.
    /// </summary>
    [Fact]
    public async Task Echo_OfCompressibleMessages_ComesBackCompressed()
    {
        await using var socket = await ConnectAsync(EchoPath);
        for (int i = 0; i < 3; i++)
        {
            byte[] text = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"the same words {i} ", 60)));
            await socket.SendFrameAsync(Frame.Text, text);
            var frame = await socket.ReadFrameAsync();
            Assert.Equal((true, true), (frame!.Fin, frame.Inflated));
            Assert.Equal(text, frame.Payload);
        }
    }
}
