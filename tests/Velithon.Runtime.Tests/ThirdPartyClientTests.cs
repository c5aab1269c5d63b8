namespace Velithon.Runtime.Tests;

/// <summary>
/// Clients nobody here wrote: Node's <c>ws</c> package and Python's <c>websockets</c> (Debian's python3-websockets),
/// each running <c>tests/clients/*</c> against the test server: text, binary, JSON, a subprotocol, and close codes
/// with reasons from the server and from the client.
/// </summary>
public sealed class ThirdPartyClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    // Debian's interpreter: the one that has the Debian python3-websockets module.
    private const string Python = "/usr/bin/python3";

    [Fact]
    public async Task NodeWs_TalksTextBinaryJsonSubprotocolAndCloseCodesBothWays()
    {
        string script = Path.Combine(ExternalProcess.RepositoryRoot, "tests", "clients", "node", "client.mjs");
        Assert.True(Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "ws")),
            "Run `npm ci` in tests/clients/node (scripts/test.sh does) before this test.");

        await AssertConversationAsync("node", "node", script);
    }

    [Fact]
    public async Task PythonWebsockets_TalksTextBinaryJsonSubprotocolAndCloseCodesBothWays()
    {
        string script = Path.Combine(ExternalProcess.RepositoryRoot, "tests", "clients", "python", "client.py");

        await AssertConversationAsync("python", Python, script);
    }

    private async Task AssertConversationAsync(string client, string program, string script)
    {
        string observeId = $"{client}-{Guid.NewGuid():N}";

        var (exitCode, lines, errors) = await ExternalProcess.RunAsync(program, script, fixture.Server.Http1Base.ToString().TrimEnd('/'), observeId);

        Assert.True(exitCode == 0, $"{errors}\nOutput so far:\n{string.Join("\n", lines)}");
        Assert.Equal(
            [
                $"text Echo: from {client}",
                "binary 010203ff",
                $"json {client} HI 2",
                "subprotocol chat.v2 chat.v2",
                $"server closed 4001 {client} reason",
                "observe ready",
                "client closed 4002", // the server answers with the same code; the probe shows what it received
            ],
            lines);
        var ending = await fixture.Server.Probe.WaitAsync(observeId);
        Assert.Equal(4002, ending.Code);
        Assert.Equal($"{client} bye", ending.Reason);
    }
}
