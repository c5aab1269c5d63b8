using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Velithon.Runtime.Tests;

/// <summary>
/// The contract envelope spoken by clients nobody here wrote, with no generated code: Node's <c>ws</c> and Python's
/// <c>websockets</c> run <c>tests/clients/*/contract.*</c> against <see cref="WireContractEndpoint"/> on a server whose
/// clock is a <see cref="FakeTimeProvider"/> the scripts advance through <see cref="WireClock"/>: messages, a
/// validation error, requests both ways, a timeout with its cancel, a late reply, and a reply after the caller left.
/// </summary>
public sealed class ThirdPartyContractTests
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public async Task NodeWs_SpeaksTheContractEnvelope_RequestsBothWays_TimeoutAndLateReplies()
    {
        string script = Path.Combine(ExternalProcess.RepositoryRoot, "tests", "clients", "node", "contract.mjs");
        Assert.True(Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "ws")),
            "Run `npm ci` in tests/clients/node (scripts/test.sh does) before this test.");

        await AssertConversationAsync("node", "node", script);
    }

    [Fact]
    public async Task PythonWebsockets_SpeaksTheContractEnvelope_RequestsBothWays_TimeoutAndLateReplies()
    {
        string script = Path.Combine(ExternalProcess.RepositoryRoot, "tests", "clients", "python", "contract.py");

        await AssertConversationAsync("python", Python, script);
    }

    private static async Task AssertConversationAsync(string client, string program, string script)
    {
        var clock = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(
            configure: options =>
            {
                // Only the request's own timeout moves with the scripts' clock steps.
                options.KeepAliveInterval = TimeSpan.Zero;
                options.IdleTimeout = TimeSpan.Zero;
            },
            configureBuilder: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        string observeId = $"{client}-{Guid.NewGuid():N}";

        var (exitCode, lines, errors) = await ExternalProcess.RunAsync(program, script, server.Http1Base.ToString().TrimEnd('/'), observeId);

        Assert.True(exitCode == 0, $"{errors}\nOutput so far:\n{string.Join("\n", lines)}");
        Assert.Equal(
            [
                $"echo note: from {client}",
                "error text",
                "reply 7 5",
                "question who? true",
                // Messages are dispatched in order: the note waits for the handler that asked, which the reply lets finish.
                $"echo answer: {client}",
                "echo note: before reply",
                "question still there?",
                "cancel true",
                "echo timed out",
                "echo note: still here",
                "closed 1000",
            ],
            lines);

        // The slow handler answered after its caller had gone: the reply was dropped, and nothing was logged as a failure.
        var ending = await server.Probe.WaitAsync(observeId);
        Assert.Equal(1000, ending.Code);
        Assert.Empty(server.Logs.Messages(LogLevel.Error));
        Assert.Empty(server.Logs.Messages(LogLevel.Warning));
    }
}
