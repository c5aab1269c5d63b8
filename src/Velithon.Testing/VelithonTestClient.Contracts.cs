using System;
using System.Threading;
using System.Threading.Tasks;

namespace Velithon.Testing;

public sealed partial class VelithonTestClient
{
    /// <summary>
    /// Options for a contract's generated client (<c>new BoardSocketClient(options)</c>) that connect it to this
    /// in-memory server: the handshake runs through the whole pipeline, the frames go over the in-memory transport, the
    /// request timeouts run on <see cref="TimeProvider"/>, and reconnection is off (a test sees each close).
    /// </summary>
    /// <returns>New options; change them before creating the client.</returns>
    public ContractClientOptions CreateContractClientOptions() => new()
    {
        OpenWebSocket = OpenContractWebSocketAsync,
        TimeProvider = TimeProvider,
        Reconnect = null,
    };

    /// <summary>
    /// Creates a contract's generated client on this server and connects it with one of its typed
    /// <c>Connect&lt;Route&gt;Async</c> methods, so route, query and header values are typed as in production.
    /// </summary>
    /// <typeparam name="TClient">The generated client, for example <c>BoardSocketClient</c>.</typeparam>
    /// <param name="create">Creates the client from the options given (<see cref="CreateContractClientOptions"/>), with its handler properties set: the server may ask at once.</param>
    /// <param name="connect">Connects it, for example <c>(client, uri, ct) =&gt; client.ConnectBoardAsync(uri, "b1", ct)</c>; the URI is <see cref="BaseAddress"/>.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The connected client, with the pull-style expectations.</returns>
    /// <exception cref="WebSocketHandshakeRejectedException">The server refused the handshake (see <see cref="ExpectContractRefusedAsync{TClient}"/>).</exception>
    public async Task<TestContractClient<TClient>> ConnectContractAsync<TClient>(
        Func<ContractClientOptions, TClient> create,
        Func<TClient, Uri, CancellationToken, Task> connect,
        CancellationToken cancellationToken = default)
        where TClient : ContractClient
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(connect);
        var client = create(CreateContractClientOptions());
        var test = new TestContractClient<TClient>(client, Timeout);
        try
        {
            await connect(client, BaseAddress, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return test;
    }

    /// <summary>
    /// Connects a contract's generated client as <see cref="ConnectContractAsync{TClient}"/> does, expecting the server to refuse the
    /// handshake, and returns the refusal: a path or query value that does not parse (400), a missing credential (401),
    /// a handler that closed before accepting (403), a full route (503).
    /// </summary>
    /// <param name="create">Creates the client from the options given.</param>
    /// <param name="connect">Connects it with a typed <c>Connect&lt;Route&gt;Async</c> method.</param>
    /// <param name="statusCode">The HTTP status expected, or null for any other than 101.</param>
    /// <returns>The refusal, with its status and body.</returns>
    /// <exception cref="TestExpectationException">The server accepted, or refused with another status.</exception>
    public async Task<WebSocketHandshakeRejectedException> ExpectContractRefusedAsync<TClient>(
        Func<ContractClientOptions, TClient> create,
        Func<TClient, Uri, CancellationToken, Task> connect,
        int? statusCode = null)
        where TClient : ContractClient
    {
        string expected = statusCode is null ? "the handshake to be refused" : $"the handshake to be refused with {statusCode}";
        TestContractClient<TClient> accepted;
        try
        {
            accepted = await ConnectContractAsync(create, connect).ConfigureAwait(false);
        }
        catch (WebSocketHandshakeRejectedException refused) when (statusCode is null || refused.StatusCode == statusCode)
        {
            return refused;
        }
        catch (WebSocketHandshakeRejectedException refused)
        {
            throw new TestExpectationException($"Expected {expected}; it was refused with {refused.StatusCode}{(refused.Body.Length > 0 ? ": " + refused.Body : "")}", refused);
        }

        await accepted.DisposeAsync().ConfigureAwait(false);
        throw new TestExpectationException($"Expected {expected}; the server accepted the connection to {accepted.Client.Uri}.");
    }

    /// <summary>
    /// The transport of <see cref="CreateContractClientOptions"/>: the handshake through the pipeline, then .NET's own
    /// client-role WebSocket (<see cref="System.Net.WebSockets.WebSocket.CreateFromStream(System.IO.Stream, System.Net.WebSockets.WebSocketCreationOptions)"/>, the
    /// framing <see cref="System.Net.WebSockets.ClientWebSocket"/> uses) over the in-memory stream, with no keep-alive of its own: the client
    /// side starts no timer a virtual clock would have to drive.
    /// </summary>
    private async Task<System.Net.WebSockets.WebSocket> OpenContractWebSocketAsync(ContractClientHandshake handshake, CancellationToken cancellationToken)
    {
        var options = new TestConnectOptions();
        foreach (var (name, value) in handshake.Headers)
        {
            if (value is not null)
            {
                options.Headers[name] = value;
            }
        }

        foreach (string protocol in handshake.SubProtocols)
        {
            options.SubProtocols.Add(protocol);
        }

        var (clientEnd, responseHeaders) = await HandshakeAsync(handshake.Uri.PathAndQuery, options, cancellationToken).ConfigureAwait(false);
        string? subProtocol = responseHeaders.SecWebSocketProtocol is { Count: > 0 } chosen ? chosen.ToString() : null;
        return System.Net.WebSockets.WebSocket.CreateFromStream(clientEnd, new System.Net.WebSockets.WebSocketCreationOptions
        {
            IsServer = false,
            SubProtocol = subProtocol,
            KeepAliveInterval = TimeSpan.Zero,
        });
    }
}
