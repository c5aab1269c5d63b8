using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace Velithon.Runtime.Tests;

/// <summary>The <c>Velithon</c> meter, read through a <c>MeterListener</c>, matches what the test did.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Meter_CountsHandshakesMessagesBytesClosesAndActiveConnections()
    {
        await using var server = await TestServer.StartAsync();
        using var metrics = new MetricRecorder(server);

        using (var client = await Client.ConnectAsync(server.Url("/echo")))
        {
            foreach (var text in new[] { "a", "bc", "def" })
            {
                await client.SendTextAsync(text);
                Assert.Equal("Echo: " + text, await client.ReceiveTextAsync());
            }

            Assert.Equal(1, metrics.Total("velithon.connections.active"));
            await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }

        // Refusals, by reason: not a handshake, a parameter that does not bind, an origin.
        using (var http = new HttpClient())
        {
            Assert.Equal(HttpStatusCode.UpgradeRequired, (await http.GetAsync(new Uri(server.HttpBase, "/echo"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.HandshakeAsync(new Uri(server.HttpBase, "/endpoint/echo/not-a-number"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.HandshakeAsync(new Uri(server.HttpBase, "/echo"), ("Origin", "https://elsewhere.example"))).Status);

        using var timeout = new CancellationTokenSource(Client.Timeout);
        while (metrics.Total("velithon.connections.closed") == 0)
        {
            await Task.Delay(10, timeout.Token);
        }

        Assert.Equal(1, metrics.Total("velithon.handshakes", "velithon.handshake.result=accepted"));
        Assert.Equal(3, metrics.Total("velithon.handshakes", "velithon.handshake.result=rejected"));
        Assert.Equal(1, metrics.Total("velithon.handshakes", "velithon.handshake.rejection_reason=not_websocket"));
        Assert.Equal(1, metrics.Total("velithon.handshakes", "velithon.handshake.rejection_reason=binding"));
        Assert.Equal(1, metrics.Total("velithon.handshakes", "velithon.handshake.rejection_reason=origin"));
        Assert.Equal(3, metrics.Total("velithon.messages.received"));
        Assert.Equal(6, metrics.Total("velithon.bytes.received"));
        Assert.Equal(3, metrics.Total("velithon.messages.sent"));
        Assert.Equal(Encoding.UTF8.GetByteCount("Echo: aEcho: bcEcho: def"), metrics.Total("velithon.bytes.sent"));
        Assert.Equal(1, metrics.Total("velithon.connections.closed", "velithon.close_code=1000"));
        Assert.Equal(0, metrics.Total("velithon.connections.active"));
    }
}
