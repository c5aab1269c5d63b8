using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Velithon.Demo.Tests;

/// <summary>
/// The demo published with Native AOT for linux-x64 from a clean tree (zero trim and AOT warnings: warnings are
/// errors), and the native binary serving every endpoint the JIT build serves, and talking to itself as the task
/// board's typed C# client.
/// </summary>
[Trait("Category", CleanBuildCollection.Category)]
[Collection(CleanBuildCollection.Name)]
public sealed class NativeAotTests(ITestOutputHelper output) : IAsyncLifetime
{
    private string _repository = null!;
    private string _binary = null!;
    private DemoProcess _demo = null!;

    public async Task InitializeAsync()
    {
        _repository = DotNet.CopyRepository();
        string publish = Path.Combine(_repository, "published");
        string log = await DotNet.RunOrFailAsync(_repository, null,
            "publish", "samples/Velithon.Demo", "-c", "Release", "-r", "linux-x64", "-o", publish, "--nologo");
        output.WriteLine(log);

        // Any trim or AOT analysis warning (IL2xxx, IL3xxx) would be an error, but say it plainly if one slips through.
        Assert.DoesNotMatch(new Regex(@"warning IL\d{4}"), log);
        _binary = Path.Combine(publish, "Velithon.Demo");
        Assert.True(File.Exists(_binary), $"No native binary at {_binary}");
        Assert.False(File.Exists(Path.Combine(publish, "Velithon.Demo.dll")), "The publish produced IL, not a native binary.");
        output.WriteLine($"Native binary: {new FileInfo(_binary).Length / 1024.0 / 1024.0:F1} MiB");

        _demo = await DemoProcess.StartAsync(_binary, []);
    }

    public async Task DisposeAsync()
    {
        if (_demo is not null)
        {
            await _demo.DisposeAsync();
        }

        Directory.Delete(_repository, recursive: true);
    }

    [Fact]
    public async Task NativeBinary_ServesEveryEndpoint()
    {
        await DemoScenarios.EchoRepliesWithPrefixAsync(_demo);
        await DemoScenarios.ChatRoomRelaysJoinMessageAndLeaveAsync(_demo);
        await DemoScenarios.ChatRoomSessionResumesAfterADropAsync(_demo);
        await DemoScenarios.StatusSendsJsonEverySecondAsync(_demo);
        await DemoScenarios.QueryTokenIsRequiredAsync(_demo);
        await DemoScenarios.ServesThePageAsync(_demo);
        await DemoScenarios.TaskBoardSpeaksItsContractAsync(_demo);

        // The same binary as a client of the other: the generated C# client, compiled ahead of time.
        await DemoScenarios.TypedClientTalksToTheBoardAsync(_demo, _binary);
        Assert.Equal("", _demo.Errors);
    }
}
