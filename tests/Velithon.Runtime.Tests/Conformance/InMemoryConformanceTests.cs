namespace Velithon.Runtime.Tests.Conformance;

/// <summary>
/// The conformance suite through Velithon.Testing's in-memory transport: the handshake runs through the whole
/// pipeline of an in-memory server, and the same raw frames travel on the client's end of its duplex stream, so the
/// framing the test package runs is held to the same rules as on Kestrel.
/// </summary>
public sealed class InMemoryConformanceTests(InMemoryServerFixture fixture) : ConformanceTests, IClassFixture<InMemoryServerFixture>
{
    protected override async Task<RawWebSocket> ConnectAsync(string path)
    {
        var socket = await RawWebSocket.ConnectInMemoryAsync(fixture.Client, path);
        Assert.False(socket.DeflateNegotiated);
        return socket;
    }
}
