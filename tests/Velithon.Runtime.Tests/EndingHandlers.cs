using Microsoft.AspNetCore.Mvc;

namespace Velithon.Runtime.Tests;

/// <summary>Handlers of <see cref="EndingTests"/>.</summary>
public static class EndingHandlers
{
    /// <summary>
    /// Registers a callback on <see cref="WebSocket.Aborted"/> that throws (as a callback that cancels an
    /// already-disposed source does), then either closes itself (<c>mode=close</c>) or waits for the peer's close
    /// (<c>mode=receive</c>), and reports how its call ended.
    /// </summary>
    [WebSocket("/ending/aborted-callback-throws/<mode>")]
    public static async Task AbortedCallbackThrows(WebSocket ws, string mode, [FromQuery] string id)
    {
        await ws.AcceptAsync();
        ws.Aborted.Register(static () => throw new InvalidOperationException("a callback of the application's"));
        await ws.ReceiveTextAsync();
        try
        {
            if (mode == "close")
            {
                await ws.CloseAsync(WebSocketCloseCode.NormalClosure, "bye");
                CoreReports.Report(id, new CoreOutcome("none", ws.CloseCode, ws.Aborted.IsCancellationRequested));
            }
            else
            {
                await ws.ReceiveTextAsync();
                CoreReports.Report(id, new CoreOutcome("none", null, ws.Aborted.IsCancellationRequested));
            }
        }
        catch (Exception exception)
        {
            CoreReports.Report(id, CoreOutcome.From(exception, ws));
        }
    }
}
