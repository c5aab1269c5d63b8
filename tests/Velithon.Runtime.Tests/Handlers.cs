using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Velithon;

namespace Velithon.Runtime.Tests;

public sealed record ChatMessage(string User, string Text, int Sequence);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ChatMessage))]
public sealed partial class TestJsonContext : JsonSerializerContext;

public sealed record Unlisted(int Value);

public enum Color
{
    Red,
    Green,
    Blue,
}

/// <summary>The handlers the end-to-end tests talk to, served by the generated route table.</summary>
public static class Handlers
{
    [WebSocket("/echo")]
    public static async Task Echo(WebSocket ws)
    {
        await ws.AcceptAsync();
        while (true)
        {
            var message = await ws.ReceiveAsync();
            if (message.IsText)
            {
                await ws.SendTextAsync("Echo: " + message.GetText());
            }
            else
            {
                await ws.SendBytesAsync(message.Data);
            }
        }
    }

    /// <summary>Echoes each message exactly, text as text and bytes as bytes: the conformance suite's peer.</summary>
    [WebSocket("/conformance/echo")]
    public static async Task ConformanceEcho(WebSocket ws)
    {
        while (true)
        {
            var message = await ws.ReceiveAsync();
            if (message.IsText)
            {
                await ws.SendTextAsync(message.GetText());
            }
            else
            {
                await ws.SendBytesAsync(message.Data);
            }
        }
    }

    /// <summary>Echoes text received as strings: the conformance cases for handlers that decode text themselves.</summary>
    [WebSocket("/conformance/echo-text")]
    public static async Task ConformanceEchoText(WebSocket ws)
    {
        while (true)
        {
            await ws.SendTextAsync(await ws.ReceiveTextAsync());
        }
    }

    /// <summary>Echoes like the conformance peer, and counts itself while it runs: the soak test's peer.</summary>
    [WebSocket("/soak")]
    public static async Task Soak(WebSocket ws, Probe probe)
    {
        probe.Started();
        try
        {
            await ConformanceEcho(ws);
        }
        finally
        {
            probe.Finished();
        }
    }

    [WebSocket("/json")]
    public static async Task Json(WebSocket ws)
    {
        while (true)
        {
            var message = await ws.ReceiveJsonAsync(TestJsonContext.Default.ChatMessage);
            await ws.SendJsonAsync(message! with { Text = message.Text.ToUpperInvariant(), Sequence = message.Sequence + 1 }, TestJsonContext.Default.ChatMessage);
        }
    }

    [WebSocket("/bind/<int:id>/<name>/{key:guid}/<path:rest>")]
    public static async Task Bind(
        WebSocket ws,
        int id,
        string name,
        Guid key,
        string rest,
        [FromQuery] string token,
        [FromQuery(Name = "color")] Color? color,
        [FromHeader(Name = "X-Client")] string? client,
        HttpContext context,
        ClaimsPrincipal user,
        CancellationToken aborted,
        [FromQuery] double ratio = 0.5,
        [FromQuery] int page = 1)
    {
        await ws.SendTextAsync(string.Join("|",
            id, name, key, rest, token, color?.ToString() ?? "none", client ?? "none",
            ReferenceEquals(context, ws.HttpContext), user.Identity?.IsAuthenticated ?? false, aborted.CanBeCanceled,
            ratio.ToString(System.Globalization.CultureInfo.InvariantCulture), page));
        await ws.ReceiveTextAsync();
    }

    [WebSocket("/json/configured")]
    public static async Task JsonWithConfiguredResolver(WebSocket ws)
    {
        var move = await ws.ReceiveJsonAsync<Move>();
        await ws.SendJsonAsync(move! with { X = move.X * 10 });
        await ws.ReceiveTextAsync();
    }

    [WebSocket("/json/unlisted")]
    public static async Task JsonWithoutMetadata(WebSocket ws)
    {
        await ws.AcceptAsync();
        await ws.SendJsonAsync(new Unlisted(1));
    }

    [WebSocket("/ws")]
    public static async Task QueryToken(WebSocket ws, [FromQuery] string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            await ws.CloseAsync(WebSocketCloseCode.PolicyViolation, "Missing token");
            return;
        }

        await ws.AcceptAsync();
        await ws.SendTextAsync("welcome " + token);
        await ws.ReceiveTextAsync();
    }

    [WebSocket("/subprotocol")]
    public static async Task SubProtocol(WebSocket ws)
    {
        var chosen = ws.RequestedSubProtocols.Contains("chat.v2") ? "chat.v2" : null;
        await ws.AcceptAsync(chosen, [new("X-Velithon", "accepted")]);
        await ws.SendTextAsync(ws.SubProtocol ?? "none");
        await ws.ReceiveTextAsync();
    }

    [WebSocket("/subprotocol/unoffered")]
    public static Task UnofferedSubProtocol(WebSocket ws) => ws.AcceptAsync("never-offered");

    [WebSocket("/close/<int:code>")]
    public static async Task Close(WebSocket ws, int code)
    {
        await ws.AcceptAsync();
        var reason = await ws.ReceiveTextAsync();
        await ws.CloseAsync(code, reason);
    }

    [WebSocket("/observe")]
    public static async Task Observe(WebSocket ws, [FromQuery] string id, Probe probe)
    {
        await ws.AcceptAsync();
        await ws.SendTextAsync("ready");
        await EchoAndReportEndingAsync(ws, id, probe);
    }

    /// <summary>Sends "ready", then receives nothing until the test signals; then echoes, and reports how it ended.</summary>
    [WebSocket("/keepalive/paused")]
    public static async Task PausedReceiver(WebSocket ws, [FromQuery] string id, Probe probe)
    {
        await ws.AcceptAsync();
        await ws.SendTextAsync("ready");
        await probe.WaitForSignalAsync(id);
        await EchoAndReportEndingAsync(ws, id, probe);
    }

    private static async Task EchoAndReportEndingAsync(WebSocket ws, string id, Probe probe)
    {
        try
        {
            while (true)
            {
                await ws.SendTextAsync("Echo: " + await ws.ReceiveTextAsync());
            }
        }
        catch (WebSocketDisconnectException disconnect)
        {
            probe.Record(id, new Ending(disconnect.Code, disconnect.Reason, ws.ClientState, ws.Aborted.IsCancellationRequested));
            throw;
        }
    }

    /// <summary>Two tasks send numbered messages until the client says "stop", then "done".</summary>
    [WebSocket("/keepalive/stream")]
    public static async Task Stream(WebSocket ws)
    {
        await ws.AcceptAsync();
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, 2).Select(task => Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                await ws.SendTextAsync(BurstMessage(task, i));
            }
        }));
        var sending = Task.WhenAll(senders);
        string command = await ws.ReceiveTextAsync();
        await stop.CancelAsync();
        await sending;
        await ws.SendTextAsync(command == "stop" ? "done" : "unexpected: " + command);
        await ws.ReceiveTextAsync();
    }

    /// <summary>Starts two receives at once: the second is refused, the first still gets the message.</summary>
    [WebSocket("/receive-twice")]
    public static async Task ReceiveTwice(WebSocket ws)
    {
        await ws.AcceptAsync();
        var first = ws.ReceiveTextAsync();
        try
        {
            await ws.ReceiveTextAsync();
            await ws.SendTextAsync("second receive allowed");
        }
        catch (InvalidOperationException refused)
        {
            await ws.SendTextAsync("second receive refused: " + refused.Message);
        }

        await ws.SendTextAsync("first got: " + await first);
    }

    [WebSocket("/burst/<int:tasks>/<int:count>")]
    public static async Task Burst(WebSocket ws, int tasks, int count)
    {
        await ws.AcceptAsync();
        var senders = Enumerable.Range(0, tasks).Select(task => Task.Run(async () =>
        {
            for (int i = 0; i < count; i++)
            {
                await ws.SendTextAsync(BurstMessage(task, i));
            }
        }));
        await Task.WhenAll(senders);
        await ws.SendTextAsync("done");
        await ws.ReceiveTextAsync();
    }

    public static string BurstMessage(int task, int index) =>
        $"{task}:{index}:" + new string((char)('a' + (task % 26)), 100 + (index % 300));

    [WebSocket("/crash")]
    public static async Task Crash(WebSocket ws, [FromQuery] bool beforeAccept = false)
    {
        if (!beforeAccept)
        {
            await ws.AcceptAsync();
            await ws.ReceiveTextAsync();
        }

        throw new InvalidOperationException("The handler failed on purpose.");
    }

    [WebSocket("/shared")]
    public static async Task Shared(WebSocket ws)
    {
        await ws.SendTextAsync("websocket");
        await ws.ReceiveTextAsync();
    }

    [WebSocket("/info/<room>")]
    public static async Task Info(WebSocket ws, string room)
    {
        var states = $"{ws.ClientState}/{ws.ApplicationState}";
        await ws.AcceptAsync();
        await ws.SendTextAsync(string.Join("\n",
            ws.Url.ToString(),
            ws.Client?.Address.ToString() ?? "none",
            (ws.Client?.Port > 0).ToString(),
            ws.Headers["X-Test"].ToString(),
            ws.Query["q"].ToString(),
            ws.PathParameters["room"]?.ToString() ?? "none",
            room,
            states,
            $"{ws.ClientState}/{ws.ApplicationState}"));
        await ws.ReceiveTextAsync();
    }

    [WebSocket("/text-only")]
    public static async Task TextOnly(WebSocket ws)
    {
        while (true)
        {
            await ws.ReceiveTextAsync();
        }
    }

    [WebSocket("/protocol")]
    public static async Task Protocol(WebSocket ws, HttpContext context)
    {
        await ws.SendTextAsync($"{context.Request.Protocol} {context.Request.Method}");
        await ws.ReceiveTextAsync();
    }

    [WebSocket("/no-accept")]
    public static Task NoAccept(WebSocket ws) => Task.CompletedTask;

    /// <summary>Echoes each message as its kind; records how the enumeration ended under <paramref name="key"/> (with ":threw" if it threw).</summary>
    [WebSocket("/enumerate-messages")]
    public static async Task EnumerateMessages(WebSocket ws, Probe probe, [FromQuery] string? key)
    {
        string ending = key ?? "enumerate-messages";
        try
        {
            await foreach (var message in ws.ReceiveMessagesAsync())
            {
                await ws.SendAsync(message);
            }
        }
        catch (WebSocketDisconnectException)
        {
            ending += ":threw";
        }

        probe.Record(ending, new Ending(ws.CloseCode ?? 0, ws.CloseReason ?? "", ws.ClientState, ws.Aborted.IsCancellationRequested));
    }

    /// <summary>Numbers each text message; records how the enumeration ended under <paramref name="key"/> (with ":threw" if it threw).</summary>
    [WebSocket("/enumerate")]
    public static async ValueTask Enumerate(WebSocket ws, Probe probe, [FromQuery] string? key)
    {
        int count = 0;
        string ending = key ?? "enumerate";
        try
        {
            await foreach (var message in ws.ReceiveTextMessagesAsync())
            {
                count++;
                await ws.SendTextAsync($"{count}:{message}");
            }
        }
        catch (WebSocketDisconnectException)
        {
            ending += ":threw";
        }

        probe.Record(ending, new Ending(ws.CloseCode ?? 0, ws.CloseReason ?? "", ws.ClientState, ws.Aborted.IsCancellationRequested));
    }
}
