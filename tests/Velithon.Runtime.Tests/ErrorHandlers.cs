using Microsoft.AspNetCore.Mvc;
using Velithon;

namespace Velithon.Runtime.Tests;

/// <summary>Static handlers that end their connection by throwing, before or after accept.</summary>
public static class ErrorHandlers
{
    [WebSocket("/close-exception/<when>")]
    public static async Task CloseException(WebSocket ws, string when)
    {
        if (when == "before")
        {
            Refuse();
        }

        await ws.AcceptAsync();
        await ws.SendTextAsync("ready");
        await ws.ReceiveTextAsync();
        throw new WebSocketCloseException(4002, "bye now");
    }

    [WebSocket("/refuse-then-crash")]
    public static async Task RefuseThenCrash(WebSocket ws)
    {
        await ws.CloseAsync(4003, "go away");
        throw new InvalidOperationException("crashed after refusing");
    }

    [WebSocket("/crash/<when>")]
    public static async Task Crash(WebSocket ws, string when)
    {
        if (when == "before")
        {
            throw new InvalidOperationException("crashed before accept");
        }

        await ws.AcceptAsync();
        await ws.SendTextAsync("ready");
        await ws.ReceiveTextAsync();
        throw new InvalidOperationException("crashed after accept");
    }

    [WebSocket("/accept-header/<kind>")]
    public static async Task AcceptWithBadHeader(WebSocket ws, string kind)
    {
        var header = kind switch
        {
            "value" => new KeyValuePair<string, string>("X-Room", "lobby\r\nSet-Cookie: stolen=1"),
            "handshake" => new KeyValuePair<string, string>("Sec-WebSocket-Extensions", "permessage-deflate"),
            _ => new KeyValuePair<string, string>("X Room", "lobby"),
        };
        await ws.AcceptAsync(headers: [header]);
        await ws.SendTextAsync("accepted");
    }

    // Thrown from a helper, not the handler itself: "anywhere in handler code".
    private static void Refuse() => throw new WebSocketCloseException(4001, "not allowed here");
}

/// <summary>An endpoint class whose lifecycle methods throw, and whose OnErrorAsync handles some errors by closing.</summary>
[WebSocket("/errors/<mode>")]
public sealed class ErrorEndpoint(string mode, [FromQuery] string id, EventRecorder recorder) : WebSocketEndpoint
{
    public override ValueTask OnConnectAsync(WebSocket ws)
    {
        recorder.Record(id, "connect");
        return mode switch
        {
            "close-exception-connect" => throw new WebSocketCloseException(4003, "no entry"),
            "handled-connect" or "unhandled-connect" => throw new InvalidOperationException("connect failed"),
            _ => default,
        };
    }

    public override ValueTask OnConnectCompleteAsync(WebSocket ws) => ws.SendTextAsync("welcome");

    public override ValueTask OnReceiveAsync(WebSocket ws, string data)
    {
        recorder.Record(id, "receive:" + data);
        if (mode == "close-exception-receive")
        {
            throw new WebSocketCloseException(4004, "stop");
        }

        throw new InvalidOperationException("bad input: " + data);
    }

    public override async ValueTask OnErrorAsync(WebSocket ws, Exception exception)
    {
        recorder.Record(id, "error:" + exception.Message);
        switch (mode)
        {
            case "handled":
                await ws.CloseAsync(4005, "could not handle " + exception.Message);
                break;
            case "handled-throw":
                throw new WebSocketCloseException(4006, "closed from OnErrorAsync");
            case "handled-connect":
                await ws.CloseAsync(4007, "refused by OnErrorAsync");
                break;
        }
    }

    public override ValueTask OnDisconnectAsync(WebSocket ws)
    {
        recorder.Record(id, $"disconnect:{ws.CloseCode}:{ws.CloseReason}");
        return default;
    }
}
