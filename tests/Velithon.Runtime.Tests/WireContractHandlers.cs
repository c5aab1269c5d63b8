using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Time.Testing;
using Velithon;

namespace Velithon.Runtime.Tests;

// A contract that clients nobody here wrote (Node's ws, Python's websockets) speak by hand, from the wire format in
// docs/contracts.md alone: one-way messages, validation errors, requests both ways, a timeout and a reply after the
// caller has gone.

[JsonDerivedType(typeof(WireNote), "note")]
[JsonDerivedType(typeof(WireSum), "sum")]
[JsonDerivedType(typeof(WireAskMe), "ask-me")]
[JsonDerivedType(typeof(WireSlow), "slow")]
public abstract record WireClientMessage;

/// <summary>Echoed back as <c>note: text</c>.</summary>
public sealed record WireNote([property: Required, StringLength(20)] string Text) : WireClientMessage;

/// <summary>A request answered with the sum.</summary>
public sealed record WireSum(int A, int B) : WireClientMessage, IWebSocketRequest<WireTotal>;

/// <summary>Makes the server ask the client <paramref name="Question"/>, waiting at most <paramref name="TimeoutMilliseconds"/>.</summary>
public sealed record WireAskMe(string Question, int TimeoutMilliseconds) : WireClientMessage;

/// <summary>A request whose handler answers only once the caller has disconnected.</summary>
public sealed record WireSlow(string ObserveId) : WireClientMessage, IWebSocketRequest<WireTotal>;

public sealed record WireTotal(int Total);

[JsonDerivedType(typeof(WireEcho), "echo")]
[JsonDerivedType(typeof(WireQuestion), "question")]
public abstract record WireServerMessage;

public sealed record WireEcho(string Text) : WireServerMessage;

public sealed record WireQuestion(string Text) : WireServerMessage, IWebSocketRequest<WireAnswer>;

public sealed record WireAnswer(string Text);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WireNote))]
[JsonSerializable(typeof(WireSum))]
[JsonSerializable(typeof(WireAskMe))]
[JsonSerializable(typeof(WireSlow))]
[JsonSerializable(typeof(WireTotal))]
[JsonSerializable(typeof(WireEcho))]
[JsonSerializable(typeof(WireQuestion))]
[JsonSerializable(typeof(WireAnswer))]
internal sealed partial class WireJson : JsonSerializerContext;

[WebSocketContract(typeof(WireClientMessage), typeof(WireServerMessage), typeof(WireJson))]
public sealed partial class WireSocket;

/// <summary>Invalid messages are answered with error envelopes, so one connection shows them all.</summary>
[WebSocket("/contract/wire")]
[InvalidMessages(InvalidMessageBehavior.SendError)]
public sealed class WireContractEndpoint(Probe probe) : WebSocketEndpoint
{
    private string? _slowObserver;

    [OnMessage]
    public ValueTask OnNote(WireSocket socket, WireNote note) => socket.SendAsync(new WireEcho("note: " + note.Text));

    [OnMessage]
    public ValueTask<WireTotal> OnSum(WireSocket socket, WireSum sum) => new(new WireTotal(sum.A + sum.B));

    [OnMessage]
    public async ValueTask OnAskMe(WireSocket socket, WireAskMe ask)
    {
        // Asked from inside a handler: the reply is read while this handler waits for it.
        try
        {
            var answer = await socket.RequestAsync(new WireQuestion(ask.Question), TimeSpan.FromMilliseconds(ask.TimeoutMilliseconds));
            await socket.SendAsync(new WireEcho("answer: " + answer.Text));
        }
        catch (TimeoutException)
        {
            await socket.SendAsync(new WireEcho("timed out"));
        }
    }

    [OnMessage]
    public async ValueTask<WireTotal> OnSlow(WireSocket socket, WireSlow slow)
    {
        _slowObserver = slow.ObserveId;
        try
        {
            await Task.Delay(Timeout.Infinite, socket.Aborted);
        }
        catch (OperationCanceledException)
        {
            // The caller has gone; the reply below has nobody to go to.
        }

        return new WireTotal(-1);
    }

    public override ValueTask OnDisconnectAsync(WebSocket ws)
    {
        // Runs after the slow handler's reply was attempted: the dispatch loop ends only after its running handler.
        if (_slowObserver is { } key)
        {
            probe.Record(key, new Ending(ws.CloseCode ?? 0, ws.CloseReason ?? "", ws.ClientState, ws.Aborted.IsCancellationRequested));
        }

        return default;
    }
}

/// <summary>Lets an external client move the test server's fake clock: accepts, advances, closes with 1000.</summary>
public static class WireClock
{
    [WebSocket("/contract/clock/<int:milliseconds>")]
    public static async Task Advance(WebSocket ws, int milliseconds, TimeProvider clock)
    {
        if (clock is not FakeTimeProvider fake)
        {
            await ws.CloseAsync(WebSocketCloseCode.PolicyViolation, "This server runs on the real clock.");
            return;
        }

        await ws.AcceptAsync();
        fake.Advance(TimeSpan.FromMilliseconds(milliseconds));
        await ws.CloseAsync();
    }
}

/// <summary>A contract route with a message rate limit: messages it refuses count against the limit like any other.</summary>
[WebSocket("/contract/limited")]
[InvalidMessages(InvalidMessageBehavior.SendError)]
[MessageRateLimit(3, 1, 3_600_000)]
public sealed class LimitedWireEndpoint : WebSocketEndpoint
{
    [OnMessage]
    public ValueTask OnNote(WireSocket socket, WireNote note) => socket.SendAsync(new WireEcho("note: " + note.Text));

    [OnMessage]
    public ValueTask<WireTotal> OnSum(WireSocket socket, WireSum sum) => new(new WireTotal(sum.A + sum.B));

    [OnMessage]
    public ValueTask OnAskMe(WireSocket socket, WireAskMe ask) => default;

    [OnMessage]
    public ValueTask<WireTotal> OnSlow(WireSocket socket, WireSlow slow) => new(new WireTotal(0));
}
