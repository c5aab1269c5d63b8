namespace Velithon.Runtime.Tests.Conformance;

/// <summary>
/// What RFC 6455 requires of a server, checked with raw frames against Velithon's echo handlers, grouped like the
/// Autobahn testsuite's cases. The transport is the one variable: every case runs on Kestrel without extensions
/// (<see cref="PlainConformanceTests"/>), on Kestrel with permessage-deflate agreed on (<see cref="DeflateConformanceTests"/>,
/// <see cref="DeflateNoContextTakeoverConformanceTests"/>), and through Velithon.Testing's in-memory transport
/// (<see cref="InMemoryConformanceTests"/>). Every failure case expects the right close code, then the end of the
/// connection (the TCP close, or the end of the in-memory stream). The groups live in the partial files beside this one.
/// </summary>
public abstract partial class ConformanceTests
{
    /// <summary>Echoes each message exactly, text as text and bytes as bytes.</summary>
    protected const string EchoPath = "/conformance/echo";

    /// <summary>Echoes text that the handler receives as strings.</summary>
    protected const string EchoTextPath = "/conformance/echo-text";

    /// <summary>
    /// Whether the connections agree on permessage-deflate, which gives RSV1 a meaning (RFC 7692 section 6): the cases
    /// whose meaning changes expect what RFC 7692 asks, the others expect the same as without it.
    /// </summary>
    protected virtual bool Deflate => false;

    /// <summary>Opens a connection to the echo handler <paramref name="path"/> (<see cref="EchoPath"/> or <see cref="EchoTextPath"/>) on this variant's transport.</summary>
    protected abstract Task<RawWebSocket> ConnectAsync(string path);

    private Task<RawWebSocket> ConnectAsync() => ConnectAsync(EchoPath);

    private static async Task AssertClosesWithAsync(RawWebSocket socket, params int[] codes)
    {
        var (close, _) = await socket.ExpectCloseAsync();
        Assert.Contains(close.CloseCode ?? 0, codes);
        Assert.True(await socket.WaitForTcpCloseAsync());
    }

    private static async Task AssertEchoedAsync(RawWebSocket socket, int opcode, byte[] payload)
    {
        var frame = await socket.ReadFrameAsync();
        Assert.NotNull(frame);
        Assert.Equal((true, 0, opcode), (frame.Fin, frame.Rsv, frame.Opcode));
        Assert.Equal(payload, frame.Payload);
    }
}
