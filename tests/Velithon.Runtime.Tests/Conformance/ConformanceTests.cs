using System.Text;

namespace Velithon.Runtime.Tests.Conformance;

/// <summary>
/// What RFC 6455 requires of a server, checked with raw frames against a Velithon handler, grouped like
/// the Autobahn testsuite's cases. Every failure case expects the right close code, then the TCP close.
/// </summary>
public sealed class ConformanceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string EchoPath = "/conformance/echo";
    private const string EchoTextPath = "/conformance/echo-text";

    private Task<RawWebSocket> ConnectAsync() => RawWebSocket.ConnectAsync(fixture.Server.Http1Base, EchoPath);

    private async Task AssertClosesWithAsync(RawWebSocket socket, params int[] codes)
    {
        var (close, _) = await socket.ExpectCloseAsync();
        Assert.Contains(close.CloseCode ?? 0, codes);
        Assert.True(await socket.WaitForTcpCloseAsync());
    }

    // 1. Framing (RFC 6455 section 5.2): every payload length encoding, both data opcodes.

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(65535)]
    [InlineData(65536)]
    public async Task Framing_TextOfEveryLengthEncoding_IsEchoed(int length)
    {
        await using var socket = await ConnectAsync();
        string text = new('*', length);
        await socket.SendTextAsync(text);
        var frame = await socket.ReadFrameAsync();
        Assert.Equal((true, 0, Frame.Text), (frame!.Fin, frame.Rsv, frame.Opcode));
        Assert.Equal(text, Encoding.UTF8.GetString(frame.Payload));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(65535)]
    [InlineData(65536)]
    public async Task Framing_BinaryOfEveryLengthEncoding_IsEchoed(int length)
    {
        await using var socket = await ConnectAsync();
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        await socket.SendFrameAsync(Frame.Binary, payload);
        var frame = await socket.ReadFrameAsync();
        Assert.Equal(Frame.Binary, frame!.Opcode);
        Assert.Equal(payload, frame.Payload);
    }

    [Fact]
    public async Task Framing_UnmaskedClientFrame_Closes1002()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Text, "unmasked"u8, mask: false);
        await AssertClosesWithAsync(socket, 1002);
    }

    // 2. Ping and pong (section 5.5.2, 5.5.3).

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    public async Task PingPong_PingIsAnsweredWithItsPayload(int length)
    {
        await using var socket = await ConnectAsync();
        var payload = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        await socket.SendFrameAsync(Frame.Ping, payload);
        var pong = await socket.ReadFrameAsync();
        Assert.Equal(Frame.Pong, pong!.Opcode);
        Assert.Equal(payload, pong.Payload);
    }

    [Fact]
    public async Task PingPong_PingOver125Bytes_Closes1002()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Ping, new byte[126]);
        await AssertClosesWithAsync(socket, 1002);
    }

    [Fact]
    public async Task PingPong_FragmentedPing_Closes1002()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Ping, "half"u8, fin: false);
        await AssertClosesWithAsync(socket, 1002);
    }

    [Fact]
    public async Task PingPong_UnsolicitedPong_IsIgnored()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Pong, "unasked"u8);
        await socket.SendTextAsync("after pong");
        var frame = await socket.ReadFrameAsync();
        Assert.Equal("after pong", Encoding.UTF8.GetString(frame!.Payload));
    }

    // 3. Reserved bits and opcodes (section 5.2): no extension was negotiated, so any use fails the connection.

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public async Task Reserved_BitsSet_Closes1002(int rsv)
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Text, "rsv"u8, rsv: rsv);
        await AssertClosesWithAsync(socket, 1002);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(0xB)]
    [InlineData(0xC)]
    [InlineData(0xD)]
    [InlineData(0xE)]
    [InlineData(0xF)]
    public async Task Reserved_Opcode_Closes1002(int opcode)
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(opcode, "x"u8);
        await AssertClosesWithAsync(socket, 1002);
    }

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
        await using var socket = await RawWebSocket.ConnectAsync(fixture.Server.Http1Base, path);
        byte[] fragment = [.. Enumerable.Repeat((byte)'a', before), .. Convert.FromHexString(sequence.Replace(" ", "", StringComparison.Ordinal)), .. "bc"u8];
        await socket.SendFrameAsync(Frame.Text, fragment, fin: false);
        await AssertClosesWithAsync(socket, 1007);
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0x41, 0xE2, 0x82 })]
    public async Task Utf8_InvalidTextToAHandlerReceivingStrings_Closes1007(byte[] payload)
    {
        await using var socket = await RawWebSocket.ConnectAsync(fixture.Server.Http1Base, EchoTextPath);
        await socket.SendFrameAsync(Frame.Text, payload);
        await AssertClosesWithAsync(socket, 1007);
    }

    [Fact]
    public async Task Utf8_TextSplitAcrossFragmentsToAHandlerReceivingStrings_IsEchoed()
    {
        await using var socket = await RawWebSocket.ConnectAsync(fixture.Server.Http1Base, EchoTextPath);
        var bytes = Encoding.UTF8.GetBytes("κόσμε \U0001F600");
        await socket.SendFrameAsync(Frame.Text, bytes.AsSpan(0, 3), fin: false);
        await socket.SendFrameAsync(Frame.Continuation, bytes.AsSpan(3, bytes.Length - 5), fin: false);
        await socket.SendFrameAsync(Frame.Continuation, bytes.AsSpan(bytes.Length - 2), fin: true);
        var frame = await socket.ReadFrameAsync();
        Assert.Equal("κόσμε \U0001F600", Encoding.UTF8.GetString(frame!.Payload));
    }

    // 6. The close handshake (sections 5.5.1, 7.4).

    [Fact]
    public async Task Close_WithCodeAndReason_IsEchoedThenTcpCloses()
    {
        await using var socket = await ConnectAsync();
        await socket.SendCloseAsync(1000, "bye ✓");
        var close = await socket.ReadFrameAsync();
        Assert.Equal(Frame.Close, close!.Opcode);

        // Section 5.5.1: the answer echoes the code; the peer's reason is the peer's, and browsers show the
        // answer's reason as the connection's, so it is not repeated back.
        Assert.Equal((1000, 2), (close.CloseCode, close.Payload.Length));
        Assert.True(await socket.WaitForTcpCloseAsync());
    }

    [Fact]
    public async Task Close_WithoutPayload_IsAnsweredWithANormalClose()
    {
        await using var socket = await ConnectAsync();
        await socket.SendCloseAsync(null);
        var close = await socket.ReadFrameAsync();
        Assert.Equal(Frame.Close, close!.Opcode);

        // Autobahn 7.3.1: an empty close or 1000 are both a clean answer.
        Assert.True(close.Payload.Length == 0 || close.CloseCode == 1000, $"close payload of {close.Payload.Length} bytes, code {close.CloseCode}");
        Assert.True(await socket.WaitForTcpCloseAsync());
    }

    // RFC 6455 section 7.4 and the IANA registry: what a peer may send. The same rule where permessage-deflate
    // is negotiated (/compressed/echo turns compression on and the raw client offers it); close frames are never
    // compressed (RFC 7692 section 6.1), so the raw frames are the same.
    public static TheoryData<int, bool> ValidCloseCodes() => WithAndWithoutCompression([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]);

    public static TheoryData<int, bool> InvalidCloseCodes() => WithAndWithoutCompression([0, 999, 1004, 1005, 1006, 1015, 1016, 1017, 1100, 2000, 2999, 5000, 65535]);

    private static TheoryData<int, bool> WithAndWithoutCompression(int[] codes)
    {
        var data = new TheoryData<int, bool>();
        foreach (bool compressed in new[] { false, true })
        {
            foreach (int code in codes)
            {
                data.Add(code, compressed);
            }
        }

        return data;
    }

    private async Task<RawWebSocket> ConnectAsync(bool compressed)
    {
        if (!compressed)
        {
            return await ConnectAsync();
        }

        var socket = await RawWebSocket.ConnectAsync(fixture.Server.Http1Base, "/compressed/echo", 1, "Sec-WebSocket-Extensions: permessage-deflate");
        Assert.Contains("permessage-deflate", socket.HandshakeResponse, StringComparison.OrdinalIgnoreCase);
        return socket;
    }

    [Theory]
    [MemberData(nameof(ValidCloseCodes))]
    public async Task Close_ValidCode_IsEchoed(int code, bool compressed)
    {
        await using var socket = await ConnectAsync(compressed);
        await socket.SendCloseAsync(code, "reason");
        var close = await socket.ReadFrameAsync();
        Assert.Equal(code, close!.CloseCode);
        Assert.True(await socket.WaitForTcpCloseAsync());
    }

    [Theory]
    [MemberData(nameof(InvalidCloseCodes))]
    public async Task Close_InvalidCode_Closes1002(int code, bool compressed)
    {
        await using var socket = await ConnectAsync(compressed);
        await socket.SendCloseAsync(code);
        await AssertClosesWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Close_PayloadOfOneByte_Closes1002()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Close, new byte[] { 0x03 });
        await AssertClosesWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Close_ReasonWithInvalidUtf8_FailsTheConnection()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Close, new byte[] { 0x03, 0xE8, 0xC0, 0x80 });

        // Autobahn 7.5.1 accepts a protocol-error or invalid-payload close.
        await AssertClosesWithAsync(socket, 1002, 1007);
    }

    // 7. Limits: a message over VelithonOptions.MaxMessageSize closes with 1009 (section 7.4.1).

    [Fact]
    public async Task Limits_OneFrameOverTheLimit_Closes1009()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Binary, new byte[TestServer.MaxMessageSize + 1]);
        await AssertClosesWithAsync(socket, 1009);
    }

    [Fact]
    public async Task Limits_FragmentsSummingOverTheLimit_Close1009()
    {
        await using var socket = await ConnectAsync();
        int half = TestServer.MaxMessageSize / 2;
        await socket.SendFrameAsync(Frame.Text, new byte[half].Select(_ => (byte)'a').ToArray(), fin: false);
        await socket.SendFrameAsync(Frame.Continuation, new byte[half].Select(_ => (byte)'b').ToArray(), fin: false);
        await socket.SendFrameAsync(Frame.Continuation, "c"u8, fin: true);
        await AssertClosesWithAsync(socket, 1009);
    }

    [Theory]
    [InlineData(Frame.Binary)]
    [InlineData(Frame.Continuation)]
    public async Task Limits_FrameClaimingATerabyte_Closes1009WithoutWaitingForIt(int opcode)
    {
        await using var socket = await ConnectAsync();
        if (opcode == Frame.Continuation)
        {
            await socket.SendFrameAsync(Frame.Binary, new byte[] { 1, 2, 3 }, fin: false);
        }

        // A header announcing 2^40 bytes (64-bit length, masked), then nothing more.
        byte[] header = [(byte)(0x80 | opcode), 0x80 | 127, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4];
        await socket.SendRawAsync(header);
        await AssertClosesWithAsync(socket, 1009);
    }

    // 8. How frames arrive: a frame split across TCP segments, several frames in one segment.

    [Theory]
    [InlineData(40)]
    [InlineData(250)]
    [InlineData(251)]
    [InlineData(300)]
    [InlineData(TestServer.MaxMessageSize)]
    public async Task Transport_FrameArrivingInSmallPieces_IsEchoed(int length)
    {
        await using var socket = await ConnectAsync();
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        byte[] frame = socket.EncodeFrame(Frame.Binary, payload);

        // One byte at a time for the header and small payloads; larger pieces past that, to stay quick.
        int offset = 0;
        while (offset < frame.Length)
        {
            int piece = offset < 16 || length < 1000 ? 1 : 4093;
            int count = Math.Min(piece, frame.Length - offset);
            await socket.SendRawAsync(frame.AsSpan(offset, count).ToArray());
            offset += count;
        }

        var echoed = await socket.ReadFrameAsync();
        Assert.Equal(Frame.Binary, echoed!.Opcode);
        Assert.Equal(payload, echoed.Payload);
    }

    [Fact]
    public async Task Transport_SeveralFramesInOneSegment_AreHandledInOrder()
    {
        await using var socket = await ConnectAsync();
        string longText = new('x', 300);
        byte[] bytes =
        [
            .. socket.EncodeFrame(Frame.Text, "first"u8),
            .. socket.EncodeFrame(Frame.Ping, "p"u8),
            .. socket.EncodeFrame(Frame.Binary, new byte[] { 1, 2, 3 }),
            .. socket.EncodeFrame(Frame.Text, Encoding.UTF8.GetBytes(longText)),
            .. socket.EncodeFrame(Frame.Text, "sp"u8, fin: false),
            .. socket.EncodeFrame(Frame.Continuation, "lit"u8),
            .. socket.EncodeFrame(Frame.Text, "last"u8),
        ];
        await socket.SendRawAsync(bytes);

        var frames = new List<(int Opcode, string Payload)>();
        for (int i = 0; i < 6; i++)
        {
            var frame = await socket.ReadFrameAsync();
            frames.Add((frame!.Opcode, Encoding.UTF8.GetString(frame.Payload)));
        }

        Assert.Equal(
            [(Frame.Text, "first"), (Frame.Pong, "p"), (Frame.Binary, "\u0001\u0002\u0003"), (Frame.Text, longText), (Frame.Text, "split"), (Frame.Text, "last")],
            frames);
    }
}
