using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;

namespace Velithon.Testing;

/// <summary>
/// Connects to the WebSocket routes of an in-memory <see cref="TestServer"/>: the whole ASP.NET Core pipeline
/// (routing, authorization, Velithon's handshake binding, the handler) runs, without a socket or a port.
/// </summary>
/// <example>
/// <code>
/// await using var server = await VelithonTestServer.StartAsync(app =&gt; app.MapVelithon());
/// await using var ws = await server.Client.ConnectAsync("/chat/lobby?token=abc");
/// await ws.SendTextAsync("hi");
/// Assert.Equal("[lobby] hi", await ws.ReceiveTextAsync());
/// </code>
/// </example>
public sealed class VelithonTestClient
{
    private readonly TestServer _server;

    /// <summary>Creates a client for <paramref name="server"/>, for example <c>WebApplicationFactory.Server</c>.</summary>
    public VelithonTestClient(TestServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
    }

    /// <summary>
    /// How long a connect or a receive waits before it fails with <see cref="TimeoutException"/>, unless the
    /// caller's token ends it first. 30 seconds by default, so a handler that never answers fails its test
    /// instead of hanging the run.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Opens a WebSocket to <paramref name="pathAndQuery"/> (for example <c>/chat/lobby?token=abc</c>).
    /// </summary>
    /// <param name="pathAndQuery">The path, with its query string if any.</param>
    /// <param name="configure">Sets request headers and the subprotocols to offer.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The accepted connection.</returns>
    /// <exception cref="WebSocketHandshakeRejectedException">The server answered the handshake with a status other than 101.</exception>
    public async Task<TestWebSocket> ConnectAsync(
        string pathAndQuery,
        Action<TestConnectOptions>? configure = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathAndQuery);
        if (!pathAndQuery.StartsWith('/'))
        {
            throw new ArgumentException("The path must start with '/', for example \"/chat/lobby\".", nameof(pathAndQuery));
        }

        var options = new TestConnectOptions();
        configure?.Invoke(options);

        HttpContext? handshake = null;
        RecordingResponseBodyFeature? responseBody = null;
        var client = _server.CreateWebSocketClient();
        foreach (string subProtocol in options.SubProtocols)
        {
            client.SubProtocols.Add(subProtocol);
        }

        client.ConfigureRequest = request =>
        {
            foreach (var (name, value) in options.Headers)
            {
                request.Headers[name] = value;
            }

            handshake = request.HttpContext;
            responseBody = new RecordingResponseBodyFeature(handshake.Features.GetRequiredFeature<IHttpResponseBodyFeature>());
            handshake.Features.Set<IHttpResponseBodyFeature>(responseBody);
        };

        var uri = new UriBuilder(_server.BaseAddress) { Scheme = "ws" }.Uri;
        uri = new Uri(uri, pathAndQuery);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        System.Net.WebSockets.WebSocket socket;
        try
        {
            socket = await client.ConnectAsync(uri, timeout.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException exception) when (handshake is { Response.StatusCode: not StatusCodes.Status101SwitchingProtocols })
        {
            throw new WebSocketHandshakeRejectedException(handshake.Response.StatusCode, responseBody?.RecordedText ?? string.Empty, exception);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The handshake for {pathAndQuery} did not complete within {Timeout}.");
        }

        return new TestWebSocket(socket, handshake?.Response.Headers, Timeout);
    }
}
