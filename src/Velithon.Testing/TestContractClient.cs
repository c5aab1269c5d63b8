using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Velithon.Testing;

/// <summary>
/// A contract's generated typed client (<c>&lt;Socket&gt;Client</c>) connected to an in-memory test server, with what a
/// test reads pulled in order: <see cref="ExpectAsync{T}"/> the next message of a case, <see cref="ExpectErrorAsync"/>
/// an error envelope, <see cref="ExpectCloseAsync"/> the close. Sends and requests go through <see cref="Client"/>, typed
/// as in production; the server's requests are answered by the handler properties set when the client was created.
/// </summary>
/// <typeparam name="TClient">The generated client, for example <c>BoardSocketClient</c>.</typeparam>
/// <example>
/// <code>
/// await using var board = await server.Client.ConnectContractAsync(
///     options =&gt; new TaskBoardSocketClient(options) { OnWhoAreYou = (_, _) =&gt; ValueTask.FromResult(new Introduction("Ada")) },
///     (client, uri, ct) =&gt; client.ConnectBoardAsync(uri, "b1", ct));
/// await board.Client.SendAsync(new AddTask("Write docs"));
/// var added = await board.ExpectAsync&lt;TaskAdded&gt;();
/// </code>
/// </example>
public sealed class TestContractClient<TClient> : IAsyncDisposable
    where TClient : ContractClient
{
    private readonly Channel<object> _inbox = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
    private readonly TimeSpan _timeout;

    internal TestContractClient(TClient client, TimeSpan timeout)
    {
        Client = client;
        _timeout = timeout;

        // Subscribed before the connection opens: the server may send at once. The receive loop raises these one at a time, in order.
        client.MessageReceived += message => _inbox.Writer.TryWrite(message);
        client.ErrorReceived += error => _inbox.Writer.TryWrite(error);
        client.Closed += closed =>
        {
            _inbox.Writer.TryWrite(closed);
            if (!closed.WillReconnect)
            {
                _inbox.Writer.TryComplete();
            }
        };
    }

    /// <summary>The generated client: its typed <c>SendAsync</c> and <c>RequestAsync</c>, its handler properties, its state.</summary>
    public TClient Client { get; }

    /// <summary>
    /// Waits for the next message of the server (a one-way message or a request) and returns it: it must be a
    /// <typeparamref name="T"/>. A broadcast to a group the connection is in arrives here like any other message.
    /// </summary>
    /// <typeparam name="T">The case expected, for example <c>TaskAdded</c>.</typeparam>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The message.</returns>
    /// <exception cref="TestExpectationException">
    /// Something else came first (a message of another case, with its JSON; an error envelope; the close, with its code
    /// and reason), or nothing within <see cref="VelithonTestClient.Timeout"/>.
    /// </exception>
    public async Task<T> ExpectAsync<T>(CancellationToken cancellationToken = default)
    {
        string expected = $"a {typeof(T).Name} message";
        var next = await NextAsync(expected, cancellationToken).ConfigureAwait(false);
        return next is ContractClientMessage { Payload: T message }
            ? message
            : throw new TestExpectationException($"Expected {expected}; {Describe(next)} instead.");
    }

    /// <summary>Waits for the next thing the server sends: it must be an <c>error</c> envelope that answers no request (a rejected one-way message).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The error, with the validation failures by member when there are any.</returns>
    /// <exception cref="TestExpectationException">Something else came first, or nothing within the timeout.</exception>
    public async Task<ContractError> ExpectErrorAsync(CancellationToken cancellationToken = default)
    {
        const string expected = "an error envelope";
        var next = await NextAsync(expected, cancellationToken).ConfigureAwait(false);
        return next as ContractError ?? throw new TestExpectationException($"Expected {expected}; {Describe(next)} instead.");
    }

    /// <summary>
    /// Waits for the connection to end, with nothing received before it, and returns its close code and reason.
    /// </summary>
    /// <param name="code">The close code expected (RFC 6455 section 7.4), or null for any.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>How the connection ended: 1006 when it dropped without a close frame.</returns>
    /// <exception cref="TestExpectationException">A message came first, the close had another code, or nothing came within the timeout.</exception>
    public async Task<ContractClientClosed> ExpectCloseAsync(int? code = null, CancellationToken cancellationToken = default)
    {
        string expected = code is null ? "the close" : $"the close with {code}";
        var next = await NextAsync(expected, cancellationToken).ConfigureAwait(false);
        return next is ContractClientClosed closed && (code is null || closed.Code == code)
            ? closed
            : throw new TestExpectationException($"Expected {expected}; {Describe(next)} instead.");
    }

    /// <summary>Closes the connection from the client and waits for the server's close frame.</summary>
    /// <param name="code">The close code; 1000 by default.</param>
    /// <param name="reason">The close reason.</param>
    public async Task CloseAsync(int code = WebSocketCloseCode.NormalClosure, string? reason = null)
    {
        using var timeout = new CancellationTokenSource(_timeout);
        await Client.CloseAsync(code, reason, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Closes the connection if it is open, and releases the client.</summary>
    public ValueTask DisposeAsync() => Client.DisposeAsync();

    /// <summary>The next item of the inbox; the wait is on wall time, so a test that hangs fails instead.</summary>
    private async Task<object> NextAsync(string expected, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            return await _inbox.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TestExpectationException($"Expected {expected}; nothing arrived within {_timeout} (wall time).");
        }
        catch (ChannelClosedException)
        {
            throw new TestExpectationException($"Expected {expected}; the connection had already closed, and {expected} was not among what it received.");
        }
    }

    private static string Describe(object received) => received switch
    {
        ContractClientMessage { Id: > 0 } request => $"the server asked '{request.Type}' (request {request.Id}) {request.Json}",
        ContractClientMessage message => $"the server sent '{message.Type}' {message.Json}",
        ContractError error => $"the server sent an error: {error.Message}",
        ContractClientClosed closed => $"the connection closed with {closed.Code}{(closed.Reason.Length > 0 ? $" '{closed.Reason}'" : "")}",
        _ => received.ToString() ?? "",
    };
}
