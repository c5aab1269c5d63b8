using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Velithon.Runtime.Tests.Sessions;

/// <summary>
/// A client of the velithon.resume.v1 protocol over <see cref="ClientWebSocket"/>, written from
/// docs/resumable-sessions.md alone: it counts the server's data messages, keeps its own until the server
/// acknowledges them, acknowledges each message it receives, and on <see cref="ResumeAsync"/> sends again exactly
/// what the server's 'R' count says it lacks, before anything new, and keeps the token that follows the 'R' for the
/// next resume (a token resumes once).
/// </summary>
public sealed class ResumeClient : IAsyncDisposable
{
    private const string SubProtocol = "velithon.resume.v1";

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly List<(long Number, string Text)> _unacknowledged = [];
    private readonly Channel<string> _messages = Channel.CreateUnbounded<string>();
    private readonly Action<ClientWebSocketOptions>? _configure;
    private ClientWebSocket _socket = null!;
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reading = Task.CompletedTask;
    private long _sent;
    private bool _attached;

    private ResumeClient(Action<ClientWebSocketOptions>? configure)
    {
        _configure = configure;
    }

    /// <summary>The token the server gave last: at accept, then after each resume.</summary>
    public string? Token { get; private set; }

    /// <summary>The server's data messages received so far.</summary>
    public long Received { get; private set; }

    /// <summary>The subprotocol the server selected on the current connection.</summary>
    public string? SelectedSubProtocol => _socket.SubProtocol;

    /// <summary>The close status the server sent on the current connection, once it closed it.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Completes when the current connection's reading has ended (a drop or a close).</summary>
    public Task Reading => _reading;

    /// <summary>Opens a new session at <paramref name="url"/> and waits for its token.</summary>
    public static async Task<ResumeClient> ConnectAsync(Uri url, Action<ClientWebSocketOptions>? configure = null)
    {
        var client = new ResumeClient(configure);
        await client.OpenAsync(url, resume: false);
        await client._ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return client;
    }

    /// <summary>Reconnects to <paramref name="url"/> offering to resume; completes when the server answered 'R' and the next token, and the replay went out.</summary>
    public async Task ResumeAsync(Uri url, string? token = null, long? received = null)
    {
        await OpenAsync(url, resume: true, token, received);
        await _ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Reconnects offering to resume, and returns the close status the server refused it with.</summary>
    public async Task<WebSocketCloseStatus?> ResumeRefusedAsync(Uri url, string? token = null, long? received = null)
    {
        await OpenAsync(url, resume: true, token, received);
        await _reading.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(_ready.Task.IsCompleted, "The resume was expected to be refused.");
        return _socket.CloseStatus;
    }

    /// <summary>Sends a data message: numbered, kept until acknowledged, and sent now if the session is attached.</summary>
    public async Task SendAsync(string text)
    {
        await _sendLock.WaitAsync();
        try
        {
            _sent++;
            lock (_unacknowledged)
            {
                _unacknowledged.Add((_sent, text));
            }

            if (_attached)
            {
                await TrySendAsync("D" + text);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The server's next data message.</summary>
    public async Task<string> ReceiveAsync() => await _messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Whether a data message has arrived that was not taken yet.</summary>
    public bool TryReceive(out string? message) => _messages.Reader.TryRead(out message);

    /// <summary>Drops the connection on the client's side alone: the socket is aborted, no close frame.</summary>
    public void Abort() => _socket.Abort();

    /// <summary>Closes the session normally (1000).</summary>
    public async Task CloseAsync()
    {
        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await _reading.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task OpenAsync(Uri url, bool resume, string? token = null, long? received = null)
    {
        _socket?.Dispose();
        _attached = false;
        _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(SubProtocol);
        if (resume)
        {
            socket.Options.AddSubProtocol($"{SubProtocol}.{received ?? Received}.{token ?? Token}");
        }

        _configure?.Invoke(socket.Options);
        await socket.ConnectAsync(url, CancellationToken.None);
        _socket = socket;
        _reading = ReadAsync(socket);
    }

    private async Task ReadAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        bool first = true;
        try
        {
            while (true)
            {
                int length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // RFC 6455 section 5.5.1: the close is answered, so the server's close handshake completes.
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                string text = Encoding.UTF8.GetString(buffer, 0, length);
                bool opening = first;
                first = false;
                switch (text[0])
                {
                    case 'T' when opening:
                        // A new session: its first token.
                        Token = text[1..];
                        await AttachAsync(socket, serverReceived: 0);
                        _ready.TrySetResult();
                        break;
                    case 'T':
                        // Right after a resume's 'R': the token the next resume offers; the one just used is spent.
                        Token = text[1..];
                        _ready.TrySetResult();
                        break;
                    case 'R' when opening:
                        await AttachAsync(socket, long.Parse(text.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture));
                        break;
                    case 'A':
                        Trim(long.Parse(text.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture));
                        break;
                    case 'D':
                        Received++;
                        _messages.Writer.TryWrite(text[1..]);
                        await _sendLock.WaitAsync();
                        try
                        {
                            await TrySendAsync("A" + Received);
                        }
                        finally
                        {
                            _sendLock.Release();
                        }

                        break;
                    default:
                        throw new InvalidOperationException($"Not a velithon.resume.v1 message: '{text}'.");
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Dropped.
        }
    }

    /// <summary>The server has <paramref name="serverReceived"/> of this client's messages: the rest go again, in order, before anything new.</summary>
    private async Task AttachAsync(ClientWebSocket socket, long serverReceived)
    {
        await _sendLock.WaitAsync();
        try
        {
            Trim(serverReceived);
            List<(long Number, string Text)> replay;
            lock (_unacknowledged)
            {
                replay = [.. _unacknowledged];
            }

            foreach (var (_, text) in replay)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes("D" + text), WebSocketMessageType.Text, true, CancellationToken.None);
            }

            _attached = true;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private void Trim(long acknowledged)
    {
        lock (_unacknowledged)
        {
            _unacknowledged.RemoveAll(message => message.Number <= acknowledged);
        }
    }

    private async Task TrySendAsync(string frame)
    {
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or IOException)
        {
            // The connection dropped: the message stays kept, and a resume sends it again.
            _attached = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket?.Abort();
        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket?.Dispose();
        _sendLock.Dispose();
    }
}
