namespace Velithon.Demo.Tests;

/// <summary>The demo's JIT build, started as its own process the way the README starts it.</summary>
public sealed class DemoTests : IAsyncLifetime
{
    private DemoProcess _demo = null!;

    public async Task InitializeAsync() => _demo = await DemoProcess.StartAsync();

    public async Task DisposeAsync()
    {
        string errors = _demo.Errors;
        await _demo.DisposeAsync();
        Assert.True(errors.Length == 0, errors);
    }

    [Fact]
    public Task Echo_RepliesWithPrefix() => DemoScenarios.EchoRepliesWithPrefixAsync(_demo);

    [Fact]
    public Task ChatRoom_RelaysJoinMessageAndLeave() => DemoScenarios.ChatRoomRelaysJoinMessageAndLeaveAsync(_demo);

    [Fact]
    public Task ChatRoom_ResumesASessionAfterADrop() => DemoScenarios.ChatRoomSessionResumesAfterADropAsync(_demo);

    [Fact]
    public Task Status_SendsJsonEverySecond() => DemoScenarios.StatusSendsJsonEverySecondAsync(_demo);

    [Fact]
    public Task Ws_WithoutToken_ClosesWithPolicyViolation() => DemoScenarios.QueryTokenIsRequiredAsync(_demo);

    [Fact]
    public Task Root_ServesThePage() => DemoScenarios.ServesThePageAsync(_demo);

    [Fact]
    public Task TaskBoard_SpeaksItsContract() => DemoScenarios.TaskBoardSpeaksItsContractAsync(_demo);

    [Fact]
    public Task TypedCSharpClient_TalksToTheBoard() => DemoScenarios.TypedClientTalksToTheBoardAsync(_demo, "dotnet", DemoProcess.BuiltAssembly);
}
