using System.Net.WebSockets;
using System.Text;

namespace Velithon.Runtime.Tests;

/// <summary>
/// Text sends on Kestrel, read by a real client (ClientWebSocket, which fails a connection on text that is not UTF-8,
/// RFC 6455 section 8.1): a string encoded straight into frames of every header length, pre-encoded UTF-8 sent as it
/// is or refused before anything goes out, and a received message relayed keeping its kind.
/// </summary>
public sealed class TextSendTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    /// <summary><paramref name="length"/> characters cycling through 1-, 2-, 3-byte UTF-8 and a 4-byte surrogate pair.</summary>
    public static string Sample(int length)
    {
        const string cycle = "aé€😀";
        var text = new StringBuilder(length);
        for (int i = 0; text.Length < length; i++)
        {
            text.Append(cycle[i % cycle.Length]);
        }

        // Never end halfway through the pair.
        return text.ToString(0, length > 0 && char.IsHighSurrogate(text[length - 1]) ? length - 1 : length);
    }

    [Fact]
    public async Task SendAsync_RelaysAReceivedMessage_KeepingItsKindAndBytes()
    {
        using var client = await Client.ConnectAsync(fixture.Server.Url("/text-send/relay"));
        byte[] text = Encoding.UTF8.GetBytes("héllo € 😀");
        await client.SendAsync(text, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var (type, data) = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal(text, data);

        // Bytes that are not UTF-8 go back as binary, untouched.
        byte[] binary = [0xFF, 0x00, 0xC3, 0x28];
        await client.SendAsync(binary, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        (type, data) = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(binary, data);
    }

    [Fact]
    public async Task SendAsync_TextTheHandlerBuilt_IsCheckedEvenRightAfterAReceive()
    {
        // The relay of a received message skips the second UTF-8 check; a message built by the handler, or a slice of
        // the received payload that cuts a character in two, never does.
        using var client = await Client.ConnectAsync(fixture.Server.Url("/text-send/built-after-receive"));
        byte[] text = Encoding.UTF8.GetBytes("é€ and more");
        for (int i = 0; i < 2; i++)
        {
            await client.SendAsync(text, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            Assert.Equal("refused", await client.ReceiveTextAsync());
            Assert.Equal("refused slice", await client.ReceiveTextAsync());
            var (type, data) = await client.ReceiveMessageAsync();
            Assert.Equal(WebSocketMessageType.Text, type);
            Assert.Equal(text, data);
        }

        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, client.State);
    }

    [Fact]
    public async Task SendTextAsync_Utf8_SendsTheBytesAsText_AndRefusesInvalidUtf8_KeepingTheConnection()
    {
        using var client = await Client.ConnectAsync(fixture.Server.Url("/text-send/utf8"));
        byte[] valid = Encoding.UTF8.GetBytes("déjà vu €");
        await client.SendAsync(valid, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        var (type, data) = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal(valid, data);

        // A broken sequence (C3 28), an encoded surrogate (ED A0 80, section 3 of RFC 3629) and a sequence cut short.
        foreach (var (invalid, offset) in new (byte[], int)[] { ([0x68, 0xC3, 0x28], 1), ([0x61, 0x62, 0xED, 0xA0, 0x80], 2), ([0xE2, 0x82], 0) })
        {
            await client.SendAsync(invalid, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            Assert.Equal(
                $"refused: A text message must be valid UTF-8 (RFC 6455 section 5.6); the bytes are not, from offset {offset}. Send bytes that are not text with SendBytesAsync. (Parameter 'utf8Text')",
                await client.ReceiveTextAsync());
        }

        // Nothing invalid went out: the client, which fails the connection on invalid text, still has it open.
        await client.SendAsync(valid, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        Assert.Equal("déjà vu €", await client.ReceiveTextAsync());
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, client.State);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50)] // under 126 bytes: a 2-byte header (RFC 6455 section 5.2)
    [InlineData(70)] // 126 bytes or more: a 4-byte header
    [InlineData(40_000)] // over 65,535 bytes: a 10-byte header
    public async Task SendTextAsync_String_EncodesIntoFramesOfEveryHeaderLength(int length)
    {
        using var client = await Client.ConnectAsync(fixture.Server.Url("/text-send/generate"));
        string expected = Sample(length);
        await client.SendTextAsync(length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task SendTextAsync_String_SendsALoneSurrogateAsTheReplacementCharacter()
    {
        using var client = await Client.ConnectAsync(fixture.Server.Url("/text-send/lone-surrogate"));
        Assert.Equal("a\uFFFDb", await client.ReceiveTextAsync());
    }
}
