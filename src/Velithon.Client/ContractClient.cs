using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Linq;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Velithon;

/// <summary>
/// The base of the typed clients Velithon's generator writes for a <c>[WebSocketContract]</c>: one
/// <see cref="ClientWebSocket"/> speaking the contract's envelope (docs/contracts.md, "The wire format"), with the
/// client's requests matched to their replies, the server's requests answered by the generated handler properties,
/// and reconnection with exponential back-off. The generated <c>&lt;Socket&gt;Client</c> adds one <c>SendAsync</c>
/// per one-way case the client may send, one <c>RequestAsync</c> per client request, one handler property per case
/// the server sends, and one <c>Connect&lt;Route&gt;Async</c> per route of the contract's assembly.
/// </summary>
/// <remarks>
/// <para>
/// Set the handler properties before connecting: a server may send at once. One-way messages reach their handlers
/// one at a time, in the order they arrived; a handler's exception goes to <see cref="HandlerFailed"/> and the
/// connection goes on. The server's requests are answered concurrently, so a handler that itself awaits a request
/// of this client does not block the reply it waits for.
/// </para>
/// <para>Sends and requests are safe from several tasks at once. No reflection: the JSON metadata is the contract's context's.</para>
/// </remarks>
public abstract partial class ContractClient : IAsyncDisposable
{
    private readonly ContractClientOptions _options;
    private readonly string? _contractSubProtocol;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<byte[]>> _pending = new();
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _answering = new();
    private readonly CancellationTokenSource _lifetime = new();
    private IReadOnlyList<KeyValuePair<string, string?>> _headers = [];
    private System.Net.WebSockets.WebSocket? _socket;
    private Task? _loop;
    private long _lastId;
    private int _state;
    private volatile bool _closing;

    /// <summary>Creates a client; <c>Connect…Async</c> opens its connection.</summary>
    /// <param name="contractSubProtocol">The contract's subprotocol (<c>velithon.&lt;version&gt;</c>), offered first; null for none.</param>
    /// <param name="options">Timeouts, reconnection and the clock; the defaults when null.</param>
    protected ContractClient(string? contractSubProtocol, ContractClientOptions? options)
    {
        _contractSubProtocol = contractSubProtocol;
        _options = options ?? new ContractClientOptions();
    }

    /// <summary>Where the client is in its life.</summary>
    public ContractClientState State => (ContractClientState)Volatile.Read(ref _state);

    /// <summary>The URI connected to, query string included; null before connecting.</summary>
    public Uri? Uri { get; private set; }

    /// <summary>The subprotocol the server chose for the current connection; null for none.</summary>
    public string? SubProtocol => _socket?.SubProtocol;

    /// <summary>Raised each time a connection opens; the argument is false for the first, true after a reconnection.</summary>
    public event Action<bool>? Opened;

    /// <summary>Raised each time a connection ends, with its close code and reason and whether a reconnection follows.</summary>
    public event Action<ContractClientClosed>? Closed;

    /// <summary>Raised for each <c>error</c> envelope that answers no request: the server rejected a one-way message.</summary>
    public event Action<ContractError>? ErrorReceived;

    /// <summary>
    /// Raised for each message of the server (a one-way message or a request), in the order they arrived, before its
    /// handler property runs, with its payload deserialized as the contract's case: for logs, and for the pull-style
    /// <c>ExpectAsync</c> of Velithon.Testing. With no subscriber, nothing is deserialized for it.
    /// </summary>
    public event Action<ContractClientMessage>? MessageReceived;

    /// <summary>Raised when a handler property's delegate, or an event handler of this client, throws.</summary>
    public event Action<Exception>? HandlerFailed;

    /// <summary>Opens the connection to <paramref name="uri"/> (<c>ws</c> or <c>wss</c>) with no header values.</summary>
    /// <param name="uri">The route's full URI.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="InvalidOperationException">The client has connected before: create a new one.</exception>
    /// <exception cref="WebSocketException">The handshake failed (refused, unreachable).</exception>
    public Task ConnectAsync(Uri uri, CancellationToken cancellationToken = default) => ConnectCoreAsync(uri, [], cancellationToken);

    /// <summary>Opens the connection: the generated <c>Connect&lt;Route&gt;Async</c> methods call it with the route's URI and header values.</summary>
    /// <param name="uri">The route's full URI.</param>
    /// <param name="headers">Handshake request headers (the route's <c>[FromHeader]</c> values); null values are left out.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="InvalidOperationException">The client has connected before: create a new one.</exception>
    /// <exception cref="WebSocketException">The handshake failed (refused, unreachable).</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected async Task ConnectCoreAsync(Uri uri, IReadOnlyList<KeyValuePair<string, string?>> headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(headers);
        if (Interlocked.CompareExchange(ref _state, (int)ContractClientState.Connecting, (int)ContractClientState.Created) != (int)ContractClientState.Created)
        {
            throw new InvalidOperationException($"This client was connected before (state: {State}); create a new one for a new connection.");
        }

        Uri = uri;
        _headers = headers;
        try
        {
            _socket = await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Volatile.Write(ref _state, (int)ContractClientState.Closed);
            throw;
        }

        Volatile.Write(ref _state, (int)ContractClientState.Open);
        Raise(Opened, false);
        _loop = RunAsync(_socket);
    }

    /// <summary>
    /// Closes the connection for good (no reconnection): sends a close frame and waits for the server's, which
    /// ends the receive loop. Requests still waiting fail with <see cref="WebSocketDisconnectException"/>.
    /// </summary>
    /// <param name="code">The close code (RFC 6455 section 7.4); 1000 by default.</param>
    /// <param name="reason">A reason of at most 123 UTF-8 bytes (RFC 6455 section 5.5.1).</param>
    /// <param name="cancellationToken">Stops waiting for the server's close frame; the connection is aborted then.</param>
    public async Task CloseAsync(int code = WebSocketCloseCode.NormalClosure, string? reason = null, CancellationToken cancellationToken = default)
    {
        _closing = true;
        var socket = _socket;
        if (socket is { State: System.Net.WebSockets.WebSocketState.Open or System.Net.WebSockets.WebSocketState.CloseReceived })
        {
            try
            {
                // CloseOutputAsync, not CloseAsync: the receive loop owns the one receive a WebSocket allows, and
                // it reads the server's close frame (RFC 6455 section 5.5.1).
                await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
            {
                socket.Abort();
            }
        }
        else
        {
            // Between connections (or never connected): stop the back-off delay or the attempt in progress.
            await _lifetime.CancelAsync().ConfigureAwait(false);
        }

        if (_loop is { } loop)
        {
            try
            {
                await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await _lifetime.CancelAsync().ConfigureAwait(false);
                socket?.Abort();
                throw;
            }
        }

        Volatile.Write(ref _state, (int)ContractClientState.Closed);
    }

    /// <summary>Closes the connection (1000) if it is open, and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (State != ContractClientState.Closed && State != ContractClientState.Created)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await CloseAsync(WebSocketCloseCode.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The server did not answer the close in time: the socket was aborted.
            }
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        _socket?.Dispose();
        _lifetime.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A route, query or header value as the server's binding reads it: invariant culture, <c>true</c>/<c>false</c>, dates in ISO 8601.</summary>
    /// <param name="value">The value.</param>
    /// <returns>Its text.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected static string FormatValue<T>(T value)
        where T : notnull => value switch
        {
            string text => text,
            bool flag => flag ? "true" : "false",
            DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
            DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };

    /// <summary>One path segment, percent-encoded (RFC 3986 section 3.3); a catch-all value keeps its slashes.</summary>
    /// <param name="value">The route value's text.</param>
    /// <param name="catchAll">Whether the value is the rest of the path.</param>
    /// <returns>The encoded segment.</returns>
    /// <exception cref="ArgumentException">The value is empty: the route would not match.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected static string PathSegment(string value, bool catchAll)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return catchAll ? string.Join('/', value.Split('/').Select(Uri.EscapeDataString)) : Uri.EscapeDataString(value);
    }

    /// <summary>
    /// The URI of a route under <paramref name="baseUri"/>: <c>http</c> becomes <c>ws</c> and <c>https</c> <c>wss</c>,
    /// the route's path goes under the base's own path, and the query values that are not null follow.
    /// </summary>
    /// <param name="baseUri">The server (<c>http</c>, <c>https</c>, <c>ws</c> or <c>wss</c>), with any path prefix.</param>
    /// <param name="path">The route's path, starting with <c>/</c>, its values already encoded.</param>
    /// <param name="query">The query values by name; null values are left out.</param>
    /// <returns>The URI to connect to.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected static Uri BuildUri(Uri baseUri, string path, IEnumerable<KeyValuePair<string, string?>> query)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(query);
        string scheme = baseUri.Scheme switch
        {
            "http" => "ws",
            "https" => "wss",
            "ws" or "wss" => baseUri.Scheme,
            _ => throw new ArgumentException($"The server URI must be http, https, ws or wss, not {baseUri.Scheme}.", nameof(baseUri)),
        };
        var text = new StringBuilder();
        foreach (var (name, value) in query)
        {
            if (value is not null)
            {
                text.Append(text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        var builder = new UriBuilder(baseUri) { Scheme = scheme, Path = baseUri.AbsolutePath.TrimEnd('/') + path, Query = text.Length == 0 ? "" : text.ToString(1, text.Length - 1), Fragment = "" };
        if (baseUri.IsDefaultPort)
        {
            builder.Port = -1;
        }

        return builder.Uri;
    }

    private async Task<System.Net.WebSockets.WebSocket> OpenAsync(CancellationToken cancellationToken)
    {
        if (_options.OpenWebSocket is { } open)
        {
            List<string> protocols = _contractSubProtocol is null ? [] : [_contractSubProtocol];
            protocols.AddRange(_options.SubProtocols);
            return await open(new ContractClientHandshake(Uri!, _headers, protocols), cancellationToken).ConfigureAwait(false);
        }

        var socket = new ClientWebSocket();
        try
        {
            if (_contractSubProtocol is not null)
            {
                socket.Options.AddSubProtocol(_contractSubProtocol);
            }

            foreach (string protocol in _options.SubProtocols)
            {
                socket.Options.AddSubProtocol(protocol);
            }

            foreach (var (name, value) in _headers)
            {
                if (value is not null)
                {
                    socket.Options.SetRequestHeader(name, value);
                }
            }

            _options.ConfigureWebSocket?.Invoke(socket.Options);
            await socket.ConnectAsync(Uri!, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Raise<T>(Action<T>? handler, T argument)
    {
        try
        {
            handler?.Invoke(argument);
        }
        catch (Exception exception)
        {
            OnHandlerFailed(exception);
        }
    }

    private void OnHandlerFailed(Exception exception)
    {
        try
        {
            HandlerFailed?.Invoke(exception);
        }
        catch (Exception)
        {
            // A failing failure handler has nowhere left to report to; the connection goes on.
        }
    }
}
