using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Velithon.Runtime.Tests;

/// <summary>How a connection-core handler ended: the exception its last call threw (none when it returned), and what it saw.</summary>
public sealed record CoreOutcome(string Exception, int? Code, bool AbortedFired, string Message = "")
{
    public static CoreOutcome From(Exception exception, WebSocket ws) =>
        new(exception.GetType().Name, (exception as WebSocketDisconnectException)?.Code, ws.Aborted.IsCancellationRequested, exception.Message);
}

/// <summary>The bytes a handler held: as received, and after the connection ended under it.</summary>
public sealed record HeldMessage(byte[] AtReceipt, byte[] AfterEnd);

/// <summary>What the handler of a refused concurrent receive saw: whether it was refused, and the held message's bytes afterwards.</summary>
public sealed record RefusedReceiveReport(bool Refused, string RefusalMessage, byte[] Held);

/// <summary>
/// Where the connection-core handlers report to the tests, keyed by an id the test puts in the query: outcomes,
/// signals both ways, and send counters. Static, since every handler of the assembly is mapped on every test
/// server and a service they named would have to be registered on all of them.
/// </summary>
public static class CoreReports
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<object>> Reports = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Signals = new();
    private static readonly ConcurrentDictionary<string, StrongBox<long>> Counters = new();

    public static void Report(string key, object value) => Slot(key).TrySetResult(value);

    public static async Task<T> WaitAsync<T>(string key) => (T)await Slot(key).Task.WaitAsync(Client.Timeout);

    /// <summary>The report under <paramref name="key"/> if it has come, else null, without waiting.</summary>
    public static T? Peek<T>(string key) where T : class =>
        Slot(key).Task is { IsCompletedSuccessfully: true } done ? (T)done.Result : null;

    public static void Signal(string key) => SignalSlot(key).TrySetResult();

    public static Task WaitForSignalAsync(string key) => SignalSlot(key).Task.WaitAsync(Client.Timeout);

    public static StrongBox<long> Counter(string key) => Counters.GetOrAdd(key, static _ => new StrongBox<long>());

    private static TaskCompletionSource<object> Slot(string key) =>
        Reports.GetOrAdd(key, static _ => new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously));

    private static TaskCompletionSource SignalSlot(string key) =>
        Signals.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>The handlers of <see cref="ConnectionCoreTests"/>: each holds the connection in the state a fault needs.</summary>
public static class ConnectionCoreHandlers
{
    /// <summary>The size of the message the refused-receive test sends: over the 256-byte read buffer, so it lies in a pooled array.</summary>
    public const int PooledMessageSize = 1000;

    /// <summary>The JSON message a handler sends without awaiting: large enough to take many writes.</summary>
    public static readonly ChatMessage LargeMessage = new("server",
        string.Concat(Enumerable.Range(0, 16 * 1024).Select(i => (i % 97).ToString("D2", System.Globalization.CultureInfo.InvariantCulture) + "abcdefghijklmn")),
        42);

    /// <summary>
    /// Receives one message and holds it while the connection ends under it: with <c>mode=close</c> by its own
    /// CloseAsync, otherwise by whatever ends it (an idle timeout, shutdown); then reports the bytes it holds.
    /// </summary>
    [WebSocket("/core/hold/<mode>")]
    public static async Task HoldMessage(WebSocket ws, string mode, [FromQuery] string id)
    {
        await ws.AcceptAsync();
        var message = await ws.ReceiveAsync();
        byte[] atReceipt = message.Data.ToArray();
        await ws.SendTextAsync("held");
        if (mode == "close")
        {
            // Returns once the peer's close frame has been read (RFC 6455 section 7.1.2).
            await ws.CloseAsync(WebSocketCloseCode.NormalClosure, "closing");
        }
        else
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ws.Aborted);
            }
            catch (OperationCanceledException)
            {
                // The connection ended; no receive has been made since the message.
            }
        }

        CoreReports.Report(id, new HeldMessage(atReceipt, message.Data.ToArray()));
    }

    /// <summary>
    /// Joins a group, then waits in a receive (<c>receive</c>) or sends 64 KiB messages until a send blocks on a peer
    /// that does not read (<c>send</c>); reports how the pending call ended.
    /// </summary>
    [WebSocket("/core/abort/<mode>")]
    public static async Task AbortTarget(WebSocket ws, string mode, [FromQuery] string id, IWebSocketHub hub)
    {
        await ws.AcceptAsync();
        hub.AddToGroup(ws, "abort-" + id);
        try
        {
            if (mode == "receive")
            {
                var receive = ws.ReceiveTextAsync();
                CoreReports.Signal(id + ":pending");
                await receive;
            }
            else
            {
                await SendUntilFailureAsync(ws, id);
            }

            CoreReports.Report(id, new CoreOutcome("none", null, ws.Aborted.IsCancellationRequested));
        }
        catch (Exception exception)
        {
            CoreReports.Report(id, CoreOutcome.From(exception, ws));
            throw;
        }
    }

    /// <summary>Only sends: 64 KiB binary messages, counted under the id, until a send fails; reports that failure.</summary>
    [WebSocket("/core/push")]
    public static async Task Push(WebSocket ws, [FromQuery] string id)
    {
        await ws.AcceptAsync();
        try
        {
            await SendUntilFailureAsync(ws, id);
        }
        catch (Exception exception)
        {
            // The handler's disconnect logic.
            CoreReports.Report(id, CoreOutcome.From(exception, ws));
            throw;
        }
    }

    /// <summary>Waits in a receive while another task sends 64 KiB messages (counted under the id) until a send blocks; reports how the receive ended.</summary>
    [WebSocket("/core/stuck-receive")]
    public static async Task StuckReceive(WebSocket ws, [FromQuery] string id)
    {
        await ws.AcceptAsync();
        var pushing = Task.Run(() => SendUntilFailureAsync(ws, id));
        try
        {
            await ws.ReceiveAsync();
            CoreReports.Report(id, new CoreOutcome("none", null, ws.Aborted.IsCancellationRequested));
        }
        catch (Exception exception)
        {
            CoreReports.Report(id, CoreOutcome.From(exception, ws));
        }

        try
        {
            await pushing;
        }
        catch (WebSocketDisconnectException)
        {
            // The blocked send fails with the connection; observed here so it is not left unobserved.
        }
    }

    /// <summary>
    /// Lets its accept fail after the response was touched: started (<c>started</c>), written to (<c>written</c>),
    /// or given a header whose value Kestrel refuses to write (<c>header</c>: a non-ASCII value, which
    /// ResponseHeaderRules lets through and Kestrel rejects when it writes the 101).
    /// </summary>
    [WebSocket("/core/accept-fails/<how>")]
    public static async Task AcceptFails(WebSocket ws, string how)
    {
        switch (how)
        {
            case "started":
                await ws.HttpContext.Response.StartAsync();
                break;
            case "written":
                await ws.HttpContext.Response.WriteAsync("too early");
                break;
        }

        await ws.AcceptAsync(headers: how == "header" ? [new("X-Room", "caf\u00E9")] : null);
        await ws.SendTextAsync("accepted");
    }

    /// <summary>Starts a JSON send without awaiting it and returns at once, after accepting (<c>accept=true</c>) or not.</summary>
    [WebSocket("/core/send-and-return")]
    public static async Task SendAndReturn(WebSocket ws, [FromQuery] bool accept)
    {
        if (accept)
        {
            await ws.AcceptAsync();
        }

        // Fire and forget, as a handler may: the runtime owns what happens to the send once the handler returns.
        _ = ws.SendJsonAsync(LargeMessage, TestJsonContext.Default.ChatMessage);
    }

    /// <summary>
    /// Starts a receive and lets it complete without taking its result; then tries a second receive, which is
    /// refused as concurrent, rents from the pool, and only then takes the first receive's message and reports its bytes.
    /// </summary>
    [WebSocket("/core/refused-receive")]
    public static async Task RefusedReceive(WebSocket ws, [FromQuery] string id)
    {
        await ws.AcceptAsync();
        var pending = ws.ReceiveAsync();
        await ws.SendTextAsync("ready");
        for (int i = 0; i < 3000 && !pending.IsCompleted; i++)
        {
            await Task.Delay(10);
        }

        bool refused = false;
        string refusal = "";
        try
        {
            await ws.ReceiveAsync();
        }
        catch (InvalidOperationException exception)
        {
            refused = true;
            refusal = exception.Message;
        }

        // On the thread that saw the refusal, so a buffer it gave back to the pool's thread-local cache comes back here.
        var rented = new byte[4][];
        for (int i = 0; i < rented.Length; i++)
        {
            rented[i] = ArrayPool<byte>.Shared.Rent(PooledMessageSize);
            rented[i].AsSpan().Fill(0xEE);
        }

        var message = await pending;
        CoreReports.Report(id, new RefusedReceiveReport(refused, refusal, message.Data.ToArray()));
        foreach (var array in rented)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        await ws.ReceiveAsync();
    }

    /// <summary>Says it is waiting, accepts only once the test opens its gate (after shutdown began), and reports how it ended.</summary>
    [WebSocket("/core/late-accept")]
    public static async Task LateAccept(WebSocket ws, [FromQuery] string id)
    {
        CoreReports.Signal(id + ":waiting");
        await CoreReports.WaitForSignalAsync(id + ":gate");
        await ws.AcceptAsync();
        try
        {
            while (true)
            {
                await ws.ReceiveAsync();
            }
        }
        catch (Exception exception)
        {
            CoreReports.Report(id, CoreOutcome.From(exception, ws));
            throw;
        }
    }

    /// <summary>Waits in receives until the connection ends, and reports how it ended.</summary>
    [WebSocket("/core/wait")]
    public static async Task Wait(WebSocket ws, [FromQuery] string id)
    {
        await ws.AcceptAsync();
        await ws.SendTextAsync("ready");
        try
        {
            while (true)
            {
                await ws.ReceiveAsync();
            }
        }
        catch (Exception exception)
        {
            CoreReports.Report(id, CoreOutcome.From(exception, ws));
            throw;
        }
    }

    private static async Task SendUntilFailureAsync(WebSocket ws, string id)
    {
        var data = new byte[64 * 1024];
        var sent = CoreReports.Counter(id);
        while (true)
        {
            await ws.SendBytesAsync(data);
            Interlocked.Increment(ref sent.Value);
        }
    }
}
