using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using Velithon.Connections;
using Velithon.Protocol;
using Velithon.Protocol.Compression;

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
public sealed partial class VelithonTestClient
{
    private readonly TestServer _server;

    /// <summary>Creates a client for <paramref name="server"/>, for example <c>WebApplicationFactory.Server</c>.</summary>
    public VelithonTestClient(TestServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        TimeProvider = server.Services.GetService<TimeProvider>() ?? TimeProvider.System;
    }

    /// <summary>
    /// How long a connect or a receive waits before it fails with <see cref="TimeoutException"/>, unless the
    /// caller's token ends it first. 30 seconds by default, so a handler that never answers fails its test
    /// instead of hanging the run. Always wall time, never <see cref="TimeProvider"/>: a virtual clock moves only when
    /// the test advances it, so a safety timeout on it would never fire for the test that hangs.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The client side's clock: the typed contract clients' request timeouts (<see cref="ContractClientOptions.TimeProvider"/>)
    /// and the time stamps of <see cref="TestWebSocket"/>'s framing. By default the server's own <see cref="System.TimeProvider"/>
    /// from its services (a <see cref="TestClock"/> when the test gave one), so one <c>Advance</c> moves both ends.
    /// </summary>
    public TimeProvider TimeProvider { get; set; }

    /// <summary>The server's base address (<c>http://localhost/</c>), which the generated <c>Connect&lt;Route&gt;Async</c> methods take.</summary>
    public Uri BaseAddress => _server.BaseAddress;

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
        var (clientEnd, responseHeaders) = await HandshakeAsync(pathAndQuery, options, cancellationToken).ConfigureAwait(false);
        string? subProtocol = responseHeaders.SecWebSocketProtocol is { Count: > 0 } chosen ? chosen.ToString() : null;
        PerMessageDeflateParameters? deflate;
        try
        {
            // A compression offer the test passed in Headers, answered by the server: the client speaks what was agreed.
            deflate = AgreedDeflate.Parse(responseHeaders.SecWebSocketExtensions);
        }
        catch
        {
            await clientEnd.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var socket = new FrameWebSocket(clientEnd, isServer: false, subProtocol, deflate, abortTransport: null, new ConnectionClock(TimeProvider));
        return new TestWebSocket(socket, responseHeaders, Timeout);
    }

    /// <summary>
    /// Runs the handshake for <paramref name="pathAndQuery"/> through the whole pipeline and returns the client's end of
    /// the upgraded connection with the 101's headers, before any framing: <see cref="ConnectAsync"/> puts Velithon's
    /// client-role framing on it, and the conformance tests write raw frames on it.
    /// </summary>
    /// <exception cref="WebSocketHandshakeRejectedException">The server answered with a status other than 101.</exception>
    internal async Task<(Stream ClientEnd, IHeaderDictionary ResponseHeaders)> HandshakeAsync(
        string pathAndQuery,
        TestConnectOptions options,
        CancellationToken cancellationToken)
    {
        var (clientEnd, serverEnd) = InMemoryDuplexStream.CreatePair();
        RecordingResponseBodyFeature? responseBody = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        HttpContext handshake;
        try
        {
            // The whole pipeline runs for the handshake; the server's 101 comes back as soon as the handler accepts.
            handshake = await _server.SendAsync(context =>
            {
                PrepareHandshake(context, pathAndQuery, options);
                context.Features.Set<IHttpUpgradeFeature>(new InMemoryUpgradeFeature(context, serverEnd));
                responseBody = new RecordingResponseBodyFeature(context.Features.GetRequiredFeature<IHttpResponseBodyFeature>());
                context.Features.Set<IHttpResponseBodyFeature>(responseBody);
            }, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await DisposeEndsAsync(clientEnd, serverEnd).ConfigureAwait(false);
            throw new TimeoutException($"The handshake for {pathAndQuery} did not complete within {Timeout}.");
        }
        catch
        {
            await DisposeEndsAsync(clientEnd, serverEnd).ConfigureAwait(false);
            throw;
        }

        if (handshake.Response.StatusCode != StatusCodes.Status101SwitchingProtocols)
        {
            await DisposeEndsAsync(clientEnd, serverEnd).ConfigureAwait(false);
            throw new WebSocketHandshakeRejectedException(handshake.Response.StatusCode, responseBody?.RecordedText ?? string.Empty);
        }

        return (clientEnd, handshake.Response.Headers);
    }

    /// <summary>An HTTP/1.1 WebSocket handshake (RFC 6455 section 4.1) for <paramref name="pathAndQuery"/>, as a browser sends it.</summary>
    private void PrepareHandshake(HttpContext context, string pathAndQuery, TestConnectOptions options)
    {
        var request = context.Request;
        int queryStart = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        request.Method = HttpMethods.Get;
        request.Protocol = "HTTP/1.1";
        request.Scheme = Uri.UriSchemeHttp;
        request.Host = HostString.FromUriComponent(_server.BaseAddress);
        request.Path = PathString.FromUriComponent(queryStart < 0 ? pathAndQuery : pathAndQuery[..queryStart]);
        request.QueryString = queryStart < 0 ? QueryString.Empty : new QueryString(pathAndQuery[queryStart..]);
        if (context.Features.Get<IHttpRequestFeature>() is { } requestFeature)
        {
            // The request target as the client sent it, which ws.Url reports.
            requestFeature.RawTarget = pathAndQuery;
        }

        var headers = request.Headers;
        headers.Upgrade = "websocket";
        headers.Connection = "Upgrade";
        headers.SecWebSocketKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        headers.SecWebSocketVersion = "13";
        if (options.SubProtocols.Count > 0)
        {
            headers.SecWebSocketProtocol = string.Join(", ", options.SubProtocols);
        }

        foreach (var (name, value) in options.Headers)
        {
            headers[name] = value;
        }
    }

    private static async Task DisposeEndsAsync(InMemoryDuplexStream clientEnd, InMemoryDuplexStream serverEnd)
    {
        await clientEnd.DisposeAsync().ConfigureAwait(false);
        await serverEnd.DisposeAsync().ConfigureAwait(false);
    }
}
