using System.Text;
using Microsoft.Extensions.Logging;
using Velithon.Runtime.Tests.Conformance;

namespace Velithon.Runtime.Tests;

/// <summary>
/// The request target as the client sent it: <c>ws.Url</c> untouched, every route value decoded once by one rule
/// (percent-decoding, strict UTF-8), an undecodable value refused with 400 naming it, and origins compared as
/// RFC 6454 serializes them.
/// </summary>
public sealed class EncodingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static Task<RawHttpResponse> HandshakeAsync(Uri server, string target, params string[] headers) =>
        RawHttpResponse.GetAsync(server, target,
        [
            "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
            $"Sec-WebSocket-Key: {Convert.ToBase64String(Guid.NewGuid().ToByteArray())}", .. headers,
        ]);

    /// <summary>Connects with raw frames to /info/..., which sends ws.Url, PathParameters["room"] and the bound room.</summary>
    private async Task<string[]> InfoAsync(string target)
    {
        await using var socket = await RawWebSocket.ConnectAsync(fixture.Server.Http1Base, target);
        var frame = await socket.ReadFrameAsync();
        Assert.Equal(Frame.Text, frame!.Opcode);
        return Encoding.UTF8.GetString(frame.Payload).Split('\n');
    }

    [Fact]
    public async Task Url_IsTheTargetAsTheClientSentIt()
    {
        var lines = await InfoAsync("/info/a%2541?q=b%2541");

        // %2541 is a percent sign followed by 41: decoded once it is "%41", never "A".
        Assert.Equal($"ws://127.0.0.1:{fixture.Server.Http1Base.Port}/info/a%2541?q=b%2541", lines[0]);
        Assert.Equal("b%41", lines[4]);
        Assert.Equal("a%41", lines[5]);
        Assert.Equal("a%41", lines[6]);
    }

    [Theory]
    [InlineData("kg%C2%B2", "kg²")]
    [InlineData("kg%2Fs", "kg/s")]
    [InlineData("kg%2fs", "kg/s")]
    [InlineData("a%252Fb", "a%2Fb")]
    [InlineData("%F0%9F%98%80", "😀")]
    [InlineData("plain", "plain")]
    [InlineData("./kg%2Fs", "kg/s")]
    [InlineData("x/../kg%C2%B2", "kg²")]
    public async Task RouteValue_IsDecodedOnce_ByOneRule(string raw, string bound)
    {
        var lines = await InfoAsync("/info/" + raw);
        Assert.Equal(bound, lines[5]);
        Assert.Equal(bound, lines[6]);
    }

    [Fact]
    public async Task Http2ExtendedConnect_FollowsTheSameRule()
    {
        // RFC 8441: the target arrives as the :path pseudo-header; Kestrel's raw target holds it as sent.
        using var client = await Client.ConnectHttp2Async(new Uri(fixture.Server.Http2Base, "/info/kg%2Fs%2541"));
        var lines = (await client.ReceiveTextAsync()).Split('\n');
        Assert.Equal($"ws://127.0.0.1:{fixture.Server.Http2Base.Port}/info/kg%2Fs%2541", lines[0]);
        Assert.Equal("kg/s%41", lines[5]);
        Assert.Equal("kg/s%41", lines[6]);
    }

    [Fact]
    public async Task CatchAllRouteValue_DecodesEachSegmentOnce()
    {
        var key = Guid.NewGuid();
        await using var socket = await RawWebSocket.ConnectAsync(fixture.Server.Http1Base, $"/bind/1/n%C3%A9/{key}/docs/a%2Fb/%C2%B2?token=t");
        var frame = await socket.ReadFrameAsync();
        var fields = Encoding.UTF8.GetString(frame!.Payload).Split('|');
        Assert.Equal("né", fields[1]);
        Assert.Equal("docs/a/b/²", fields[3]);
    }

    [Theory]
    [InlineData("/info/%E2%82", "room", "%E2%82")]
    [InlineData("/info/%C0%AF", "room", "%C0%AF")]
    [InlineData("/info/%FF", "room", "%FF")]
    [InlineData("/info/%ED%A0%80", "room", "%ED%A0%80")]
    [InlineData("/bind/1/n/00000000-0000-0000-0000-000000000000/docs/%E2%82/x?token=t", "rest", "docs/%E2%82/x")]
    public async Task UndecodableRouteValue_Is400NamingTheParameter(string target, string name, string raw)
    {
        var response = await HandshakeAsync(fixture.Server.HttpBase, target);
        Assert.Equal(400, response.Status);
        Assert.Equal($"The route parameter '{name}' has the value '{raw}', which is not valid percent-encoded UTF-8.", response.Body);
        Assert.DoesNotContain(fixture.Server.Logs.Entries, entry => entry.Level >= LogLevel.Warning || entry.Exception is not null);
    }

    [Theory]
    [InlineData("https://app.example", "https://app.example:443", 101)]
    [InlineData("https://app.example", "HTTPS://App.Example", 101)]
    [InlineData("https://app.example", "https://app.example/", 101)]
    [InlineData("https://APP.example:443/", "https://app.example", 101)]
    [InlineData("http://app.example:80", "http://app.example", 101)]
    [InlineData("https://app.example:8443", "https://app.example:8443", 101)]
    [InlineData("https://app.example", "http://app.example", 403)]
    [InlineData("https://app.example", "https://app.example:8443", 403)]
    [InlineData("https://app.example", "https://other.example", 403)]
    [InlineData("https://app.example", "null", 403)]
    public async Task AllowedOrigins_AreComparedAsRfc6454SerializesThem(string allowed, string origin, int status)
    {
        await using var server = await TestServer.StartAsync(configure: options => options.AllowedOrigins.Add(allowed));
        Assert.Equal(status, (await HandshakeAsync(server.HttpBase, "/echo", $"Origin: {origin}")).Status);
    }

    [Theory]
    [InlineData("App.Example", "http://app.example:80", 101)]
    [InlineData("app.example", "HTTP://APP.EXAMPLE", 101)]
    [InlineData("app.example:80", "http://app.example", 101)]
    [InlineData("app.example:8080", "http://App.Example:8080", 101)]
    [InlineData("app.example", "http://app.example:81", 403)]
    [InlineData("app.example:8080", "http://app.example", 403)]
    [InlineData("app.example", "http://evil.example", 403)]
    public async Task SameOriginDefault_ComparesHostAndPortAsRfc6454SerializesThem(string host, string origin, int status)
    {
        Assert.Equal(status, (await HandshakeAsync(fixture.Server.HttpBase, "/echo", $"Host: {host}", $"Origin: {origin}")).Status);
    }
}
