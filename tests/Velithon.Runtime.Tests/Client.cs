using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;

namespace Velithon.Runtime.Tests;

/// <summary>Small helpers over <see cref="ClientWebSocket"/>, each bounded by a generous timeout.</summary>
public static class Client
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Waits for a condition the server reaches asynchronously (a connection's end), bounded by the client timeout.</summary>
    public static async Task EventuallyAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    public static async Task<ClientWebSocket> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(client.Options);
        using var timeout = new CancellationTokenSource(Timeout);
        await client.ConnectAsync(uri, timeout.Token);
        return client;
    }

    public static async Task<ClientWebSocket> ConnectHttp2Async(Uri uri)
    {
        var client = new ClientWebSocket();
        client.Options.HttpVersion = HttpVersion.Version20;
        client.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        using var handler = new SocketsHttpHandler();
        using var invoker = new HttpMessageInvoker(handler);
        using var timeout = new CancellationTokenSource(Timeout);
        await client.ConnectAsync(uri, invoker, timeout.Token);
        return client;
    }

    /// <summary>Connects and expects the handshake to fail; returns the HTTP status the server answered.</summary>
    public static async Task<HttpStatusCode> ConnectExpectingRejectionAsync(Uri uri)
    {
        using var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(Timeout);
        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(uri, timeout.Token));
        return client.HttpStatusCode;
    }

    /// <summary>Sends a WebSocket handshake as a plain HTTP request, to read a rejection's status and body.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> HandshakeAsync(Uri httpUri, params (string Name, string Value)[] headers)
    {
        using var http = new HttpClient { Timeout = Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, httpUri);
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = response.StatusCode == HttpStatusCode.SwitchingProtocols ? "" : await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body);
    }

    public static Task SendTextAsync(this ClientWebSocket client, string text) =>
        client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).WaitAsync(Timeout);

    /// <summary>Receives one whole message; returns its type and bytes (type Close when the server closed).</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveMessageAsync(this ClientWebSocket client)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await client.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, []);
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, message.ToArray());
            }
        }
    }

    public static async Task<string> ReceiveTextAsync(this ClientWebSocket client)
    {
        var (type, data) = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(data);
    }

    /// <summary>
    /// Reads until the server's close frame, answers it as a browser would (RFC 6455 section 5.5.1), and
    /// returns its status and description.
    /// </summary>
    public static async Task<(WebSocketCloseStatus? Status, string? Description)> ReceiveCloseAsync(this ClientWebSocket client)
    {
        while (true)
        {
            var (type, _) = await client.ReceiveMessageAsync();
            if (type == WebSocketMessageType.Close)
            {
                var status = client.CloseStatus;
                var description = client.CloseStatusDescription;
                if (client.State == System.Net.WebSockets.WebSocketState.CloseReceived)
                {
                    await client.CloseOutputAsync(status ?? WebSocketCloseStatus.Empty, null, CancellationToken.None).WaitAsync(Timeout);
                }

                return (status, description);
            }
        }
    }
}
