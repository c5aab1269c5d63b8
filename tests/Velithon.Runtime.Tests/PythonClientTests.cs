using System.Diagnostics;

namespace Velithon.Runtime.Tests;

/// <summary>A client nobody here wrote: Python's <c>websockets</c> package (Debian's python3-websockets).</summary>
public sealed class PythonClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    // Debian's interpreter: the one that has the Debian python3-websockets module.
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import asyncio, sys, websockets

        async def main(base):
            async with websockets.connect(base + "/echo") as ws:
                await ws.send("from python")
                print(await ws.recv())
                await ws.send(bytes([1, 2, 3, 255]))
                print((await ws.recv()).hex())
            async with websockets.connect(base + "/subprotocol", subprotocols=["chat.v1", "chat.v2"]) as ws:
                print(ws.subprotocol)
                print(await ws.recv())
            async with websockets.connect(base + "/close/4001") as ws:
                await ws.send("python reason")
                try:
                    await ws.recv()
                except websockets.ConnectionClosed:
                    pass
                print(ws.close_code, ws.close_reason)

        asyncio.run(asyncio.wait_for(main(sys.argv[1]), 30))
        """;

    [Fact]
    public async Task PythonWebsockets_TalksTextBinarySubprotocolAndCloseCodes()
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-c", Script, fixture.Server.Http1Base.ToString().TrimEnd('/') },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await errors);
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Echo: from python", "010203ff", "chat.v2", "chat.v2", "4001 python reason"], lines);
    }
}
