using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;

namespace Velithon.Runtime.Tests;

/// <summary>
/// The contract version at the handshake (docs/contracts.md, "The contract version"), on Kestrel with ClientWebSocket:
/// a client offering this contract's subprotocol gets it confirmed, one offering another version is closed with 4426
/// before the route's code runs, one offering none is served as before. And the AsyncAPI document MapAsyncApi() serves.
/// </summary>
public sealed class ContractVersionTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(app => app.MapAsyncApi("/asyncapi/v1.json"));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void ContractSubprotocol_IsVelithonDotTheVersion()
    {
        Assert.Matches("^[0-9a-f]{16}$", BoardSocket.ContractVersion);
        Assert.Equal("velithon." + BoardSocket.ContractVersion, BoardSocket.ContractSubprotocol);
    }

    [Theory]
    [InlineData("/contract/board/b1")]
    [InlineData("/contract/board2/b2")]
    public async Task ClientOfferingThisVersion_GetsItConfirmed(string path)
    {
        using var client = await Client.ConnectAsync(_server.Url(path), options =>
        {
            options.AddSubProtocol("chat.v2");
            options.AddSubProtocol(BoardSocket.ContractSubprotocol);
        });
        Assert.Equal(BoardSocket.ContractSubprotocol, client.SubProtocol);
        await AssertServedAsync(client, path);
    }

    [Theory]
    [InlineData("/contract/board/b1")]
    [InlineData("/contract/board2/b2")]
    public async Task ClientOfferingAnotherVersion_IsClosedWith4426NamingBoth(string path)
    {
        const string stale = "velithon.0123456789abcdef";
        using var client = await Client.ConnectAsync(_server.Url(path), options => options.AddSubProtocol(stale));
        Assert.Equal(stale, client.SubProtocol);

        // The route's code did not run: the static route would have sent its welcome first.
        var result = await client.ReceiveAsync(new byte[256], CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(4426, (int)client.CloseStatus!);
        Assert.Equal(WebSocketCloseCode.ContractVersionMismatch, (int)client.CloseStatus!);
        Assert.Equal($"Contract version mismatch: client {stale}, server {BoardSocket.ContractSubprotocol}.", client.CloseStatusDescription);
    }

    [Theory]
    [InlineData("/contract/board/b1")]
    [InlineData("/contract/board2/b2")]
    public async Task ClientOfferingNoContractSubprotocol_IsServedAsBefore(string path)
    {
        // 'velithon.' with anything but 16 lowercase hexadecimal digits is not a contract subprotocol.
        using var client = await Client.ConnectAsync(_server.Url(path), options => options.AddSubProtocol("velithon.0123456789ABCDEF"));
        Assert.Null(client.SubProtocol);
        await AssertServedAsync(client, path);

        using var plain = await Client.ConnectAsync(_server.Url(path));
        Assert.Null(plain.SubProtocol);
        await AssertServedAsync(plain, path);
    }

    [Fact]
    public async Task MapAsyncApi_ServesTheGeneratedDocument()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(_server.Url("/asyncapi/v1.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal(Velithon.Generated.VelithonRouteTable_Velithon_Runtime_Tests.AsyncApiDocument, text);

        using var document = JsonDocument.Parse(text);
        Assert.Equal("3.0.0", document.RootElement.GetProperty("asyncapi").GetString());
        var board = document.RootElement.GetProperty("channels").EnumerateObject()
            .Single(static c => c.Value.GetProperty("address").GetString() == "/contract/board/{boardId}").Value;
        Assert.Equal(BoardSocket.ContractVersion, board.GetProperty("x-velithon-contract").GetProperty("version").GetString());

        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, _server.Url("/asyncapi/v1.json")));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(text.Length, head.Content.Headers.ContentLength);
    }

    private static async Task AssertServedAsync(ClientWebSocket client, string path)
    {
        if (path.StartsWith("/contract/board2/", StringComparison.Ordinal))
        {
            Assert.Contains("welcome to", await client.ReceiveTextAsync(), StringComparison.Ordinal);
        }

        await client.SendTextAsync("""{"type":"add-card","payload":{"title":"milk"}}""");
        using var sent = JsonDocument.Parse(await client.ReceiveTextAsync());
        Assert.Equal("card-added", sent.RootElement.GetProperty("type").GetString());
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }
}
