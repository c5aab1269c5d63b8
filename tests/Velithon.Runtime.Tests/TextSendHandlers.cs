using System.Globalization;
using System.Text;

namespace Velithon.Runtime.Tests;

/// <summary>Handlers for <see cref="TextSendTests"/>: the relay, the pre-encoded UTF-8 send and the string send.</summary>
public static class TextSendHandlers
{
    /// <summary>Sends every message back as it came, text or binary, without decoding it.</summary>
    [WebSocket("/text-send/relay")]
    public static async Task Relay(WebSocket ws)
    {
        while (true)
        {
            await ws.SendAsync(await ws.ReceiveAsync());
        }
    }

    /// <summary>
    /// After each received text message, sends a text message it built itself of bytes that are not UTF-8 (says so when
    /// refused), then relays the received one.
    /// </summary>
    [WebSocket("/text-send/built-after-receive")]
    public static async Task BuiltAfterReceive(WebSocket ws)
    {
        while (true)
        {
            var received = await ws.ReceiveAsync();
            try
            {
                await ws.SendAsync(new WebSocketMessage(WebSocketMessageKind.Text, new byte[] { 0x68, 0xC3, 0x28 }));
            }
            catch (ArgumentException)
            {
                await ws.SendTextAsync("refused");
            }

            // A slice of the received payload is memory the handler chose: checked like any other.
            try
            {
                await ws.SendAsync(new WebSocketMessage(WebSocketMessageKind.Text, received.Data.Slice(0, 3)));
            }
            catch (ArgumentException)
            {
                await ws.SendTextAsync("refused slice");
            }

            await ws.SendAsync(received);
        }
    }

    /// <summary>Sends each binary message's bytes back as a text message; says so when the send refuses them.</summary>
    [WebSocket("/text-send/utf8")]
    public static async Task Utf8(WebSocket ws)
    {
        while (true)
        {
            var message = await ws.ReceiveAsync();
            try
            {
                await ws.SendTextAsync(message.Data);
            }
            catch (ArgumentException exception)
            {
                await ws.SendTextAsync("refused: " + exception.Message);
            }
        }
    }

    /// <summary>For a text message "N", sends a string of N characters mixing one-, two-, three- and four-byte UTF-8.</summary>
    [WebSocket("/text-send/generate")]
    public static async Task Generate(WebSocket ws)
    {
        while (true)
        {
            int length = int.Parse(await ws.ReceiveTextAsync(), CultureInfo.InvariantCulture);
            await ws.SendTextAsync(TextSendTests.Sample(length));
        }
    }

    /// <summary>A lone surrogate cannot be UTF-8: the string send encodes it as U+FFFD.</summary>
    [WebSocket("/text-send/lone-surrogate")]
    public static async Task LoneSurrogate(WebSocket ws)
    {
        await ws.SendTextAsync("a\uD800b");
        await ws.ReceiveAsync();
    }
}
