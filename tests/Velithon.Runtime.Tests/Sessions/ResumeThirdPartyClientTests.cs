namespace Velithon.Runtime.Tests.Sessions;

/// <summary>
/// The velithon.resume.v1 protocol from clients written by hand from its documentation, on libraries nobody here
/// wrote: Node's <c>ws</c> and Python's <c>websockets</c> each open a session, drop it without a close frame with
/// messages in flight both ways, resume it, drop it and resume it again with the token the first resume gave (the
/// first token, spent, is refused), and see two refusals.
/// </summary>
public sealed class ResumeThirdPartyClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public async Task NodeWs_ResumesTwice_EveryMessageOnceInOrder_TheSpentTokenRefused()
    {
        string script = Path.Combine(ExternalProcess.RepositoryRoot, "tests", "clients", "node", "resume.mjs");
        Assert.True(Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "ws")),
            "Run `npm ci` in tests/clients/node (scripts/test.sh does) before this test.");
        await AssertConversationAsync("node", script, "ended refused 4410", "tampered refused 4400");
    }

    [Fact]
    public async Task PythonWebsockets_ResumesTwice_EveryMessageOnceInOrder_TheSpentTokenRefused() =>
        await AssertConversationAsync(Python, Path.Combine(ExternalProcess.RepositoryRoot, "tests", "clients", "python", "resume.py"),
            "ended refused 4410", "tampered refused 4400");

    private async Task AssertConversationAsync(string program, string script, params string[] refusals)
    {
        var (exitCode, lines, errors) = await ExternalProcess.RunAsync(program, script, fixture.Server.Http1Base.ToString().TrimEnd('/'));

        Assert.True(exitCode == 0, $"{errors}\nOutput so far:\n{string.Join("\n", lines)}");
        Assert.Equal(
            [
                "subprotocol velithon.resume.v1",
                "hello",
                "r:m1",
                "rotated",
                "r:m2",
                "b1",
                "b2",
                "b3",
                "r:m3",
                "used refused 4410",
                "rotated",
                "r:m4",
                "r:m5",
                "closed 1000",
                .. refusals,
            ],
            lines);
    }
}
