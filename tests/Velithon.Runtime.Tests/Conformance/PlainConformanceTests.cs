namespace Velithon.Runtime.Tests.Conformance;

/// <summary>The conformance suite on Kestrel over loopback TCP, with no extension offered.</summary>
public sealed class PlainConformanceTests(ServerFixture fixture) : ConformanceTests, IClassFixture<ServerFixture>
{
    protected override async Task<RawWebSocket> ConnectAsync(string path)
    {
        var socket = await RawWebSocket.ConnectAsync(fixture.Server.Http1Base, path);
        Assert.False(socket.DeflateNegotiated);
        return socket;
    }
}
