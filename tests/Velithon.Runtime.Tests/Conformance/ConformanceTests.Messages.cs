using System.Text;

namespace Velithon.Runtime.Tests.Conformance;

public abstract partial class ConformanceTests
{
    // 4. Fragmentation (section 5.4).

    [Fact]
    public async Task Fragmentation_ManyFragments_AreReassembled()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Text, "one "u8, fin: false);
        await socket.SendFrameAsync(Frame.Continuation, ""u8, fin: false);
        await socket.SendFrameAsync(Frame.Continuation, "two "u8, fin: false);
        await socket.SendFrameAsync(Frame.Continuation, "three"u8, fin: true);
        var frame = await socket.ReadFrameAsync();
        Assert.Equal("one two three", Encoding.UTF8.GetString(frame!.Payload));
    }

    [Fact]
    public async Task Fragmentation_PingBetweenFragments_IsAnsweredFirst()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Binary, new byte[] { 1, 2 }, fin: false);
        await socket.SendFrameAsync(Frame.Ping, "mid"u8);
        await socket.SendFrameAsync(Frame.Continuation, new byte[] { 3 }, fin: true);
        var pong = await socket.ReadFrameAsync();
        Assert.Equal((Frame.Pong, "mid"), (pong!.Opcode, Encoding.UTF8.GetString(pong.Payload)));
        var message = await socket.ReadFrameAsync();
        Assert.Equal(new byte[] { 1, 2, 3 }, message!.Payload);
    }

    [Fact]
    public async Task Fragmentation_ContinuationWithoutStart_Closes1002()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Continuation, "orphan"u8);
        await AssertClosesWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Fragmentation_NewMessageBeforeTheLastEnds_Closes1002()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Text, "first"u8, fin: false);
        await socket.SendFrameAsync(Frame.Text, "second"u8);
        await AssertClosesWithAsync(socket, 1002);
    }

    // 5. UTF-8 (section 8.1): text must be valid UTF-8, whole and across fragments.

    [Theory]
    [InlineData("κόσμε")]
    [InlineData("\U0001F600 emoji")]
    [InlineData("\uFFFF\u0080\u07FF\u0800")]
    public async Task Utf8_ValidText_IsEchoed(string text)
    {
        await using var socket = await ConnectAsync();
        await socket.SendTextAsync(text);
        Assert.Equal(text, Encoding.UTF8.GetString((await socket.ReadFrameAsync())!.Payload));
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0x41, 0xE2, 0x82 })]
    [InlineData(new byte[] { 0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64 })]
    public async Task Utf8_InvalidText_Closes1007(byte[] payload)
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Text, payload);
        await AssertClosesWithAsync(socket, 1007);
    }

    [Fact]
    public async Task Utf8_ValidTextSplitAtEveryByte_IsEchoed()
    {
        await using var socket = await ConnectAsync();
        var bytes = Encoding.UTF8.GetBytes("κό\U0001F600σμε");
        for (int i = 0; i < bytes.Length; i++)
        {
            await socket.SendFrameAsync(i == 0 ? Frame.Text : Frame.Continuation, bytes.AsSpan(i, 1), fin: i == bytes.Length - 1);
        }

        Assert.Equal("κό\U0001F600σμε", Encoding.UTF8.GetString((await socket.ReadFrameAsync())!.Payload));
    }

    [Fact]
    public async Task Utf8_InvalidSequenceInALaterFragment_Closes1007()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Text, "valid start "u8, fin: false);
        await socket.SendFrameAsync(Frame.Continuation, new byte[] { 0xF8, 0x88, 0x80 }, fin: false);
        await socket.SendFrameAsync(Frame.Continuation, "end"u8, fin: true);
        await AssertClosesWithAsync(socket, 1007);
    }

    /// <summary>
    /// Invalid sequences (a UTF-16 surrogate, a code point past U+10FFFF, an overlong encoding, a lone continuation
    /// byte) inside a fragment that is not the last, small (within the 256-byte read buffer) and large, to both echo
    /// handlers (bytes and strings).
    /// </summary>
    public static TheoryData<string, int, string> InvalidUtf8InANonFinalFragment()
    {
        var data = new TheoryData<string, int, string>();
        foreach (string sequence in new[] { "ED A0 80", "F4 90 80 80", "C0 AF", "80" })
        {
            foreach (int before in new[] { 4, 400 })
            {
                data.Add(sequence, before, EchoPath);
                data.Add(sequence, before, EchoTextPath);
            }
        }

        return data;
    }

    /// <summary>
    /// RFC 6455 section 8.1: an endpoint fails the connection as soon as it finds invalid UTF-8, not when the message
    /// ends. The final fragment is never sent: the close frame must come anyway.
    /// </summary>
    [Theory]
    [MemberData(nameof(InvalidUtf8InANonFinalFragment))]
    public async Task Utf8_InvalidSequenceInANonFinalFragment_Closes1007BeforeTheMessageEnds(string sequence, int before, string path)
    {
        await using var socket = await ConnectAsync(path);
        byte[] fragment = [.. Enumerable.Repeat((byte)'a', before), .. Convert.FromHexString(sequence.Replace(" ", "", StringComparison.Ordinal)), .. "bc"u8];
        await socket.SendFrameAsync(Frame.Text, fragment, fin: false);
        await AssertClosesWithAsync(socket, 1007);
    }

    /// <summary>The same, where the invalid sequence comes in a continuation frame after a valid first fragment.</summary>
    [Theory]
    [MemberData(nameof(InvalidUtf8InANonFinalFragment))]
    public async Task Utf8_InvalidSequenceInANonFinalContinuation_Closes1007BeforeTheMessageEnds(string sequence, int before, string path)
    {
        await using var socket = await ConnectAsync(path);
        await socket.SendFrameAsync(Frame.Text, "valid start κόσμε "u8, fin: false);
        byte[] fragment = [.. Enumerable.Repeat((byte)'a', before), .. Convert.FromHexString(sequence.Replace(" ", "", StringComparison.Ordinal)), .. "bc"u8];
        await socket.SendFrameAsync(Frame.Continuation, fragment, fin: false);
        await AssertClosesWithAsync(socket, 1007);
    }

    /// <summary>
    /// Invalid sequences whose first bytes are a valid start, split between two fragments that are not the last: the
    /// validator must carry the incomplete sequence across frames and fail on the byte that breaks it.
    /// </summary>
    public static TheoryData<string, int, string> InvalidUtf8SplitAcrossNonFinalFragments()
    {
        var data = new TheoryData<string, int, string>();
        foreach (string sequence in new[] { "ED A0 80", "F4 90 80 80", "E0 80 AF", "F0 8F BF BF" })
        {
            for (int split = 1; split < sequence.Split(' ').Length; split++)
            {
                data.Add(sequence, split, EchoPath);
                data.Add(sequence, split, EchoTextPath);
            }
        }

        return data;
    }

    /// <summary>RFC 6455 section 8.1, fail fast: the close comes though the message's last fragment is never sent.</summary>
    [Theory]
    [MemberData(nameof(InvalidUtf8SplitAcrossNonFinalFragments))]
    public async Task Utf8_InvalidSequenceSplitAcrossNonFinalFragments_Closes1007BeforeTheMessageEnds(string sequence, int split, string path)
    {
        await using var socket = await ConnectAsync(path);
        byte[] bytes = Convert.FromHexString(sequence.Replace(" ", "", StringComparison.Ordinal));
        await socket.SendFrameAsync(Frame.Text, [.. "ab"u8, .. bytes.AsSpan(0, split)], fin: false);
        await socket.SendFrameAsync(Frame.Continuation, [.. bytes.AsSpan(split), .. "cd"u8], fin: false);
        await AssertClosesWithAsync(socket, 1007);
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0x41, 0xE2, 0x82 })]
    public async Task Utf8_InvalidTextToAHandlerReceivingStrings_Closes1007(byte[] payload)
    {
        await using var socket = await ConnectAsync(EchoTextPath);
        await socket.SendFrameAsync(Frame.Text, payload);
        await AssertClosesWithAsync(socket, 1007);
    }

    [Fact]
    public async Task Utf8_TextSplitAcrossFragmentsToAHandlerReceivingStrings_IsEchoed()
    {
        await using var socket = await ConnectAsync(EchoTextPath);
        var bytes = Encoding.UTF8.GetBytes("κόσμε \U0001F600");
        await socket.SendFrameAsync(Frame.Text, bytes.AsSpan(0, 3), fin: false);
        await socket.SendFrameAsync(Frame.Continuation, bytes.AsSpan(3, bytes.Length - 5), fin: false);
        await socket.SendFrameAsync(Frame.Continuation, bytes.AsSpan(bytes.Length - 2), fin: true);
        await AssertEchoedAsync(socket, Frame.Text, bytes);
    }
}
