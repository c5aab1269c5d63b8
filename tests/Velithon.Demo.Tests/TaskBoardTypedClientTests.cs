using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Velithon.Demo.Board;
using Velithon.Testing;

namespace Velithon.Demo.Tests;

/// <summary>
/// The demo's task board through its generated <see cref="TaskBoardSocketClient"/> on the in-memory server, with a
/// <see cref="TestClock"/>: typed connect, sends, requests and answers, pull-style expectations, broadcasts to the
/// board's group, the board's close code, and the introduction timeout passed by advancing the clock.
/// </summary>
public sealed class TaskBoardTypedClientTests : IClassFixture<WebApplicationFactory<Program>>, IDisposable
{
    private readonly TestClock _clock = new();
    private readonly WebApplicationFactory<Program> _factory;

    public TaskBoardTypedClientTests(WebApplicationFactory<Program> factory)
    {
        _factory = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(_clock)));
    }

    private VelithonTestClient Client => new(_factory.Server);

    [Fact]
    public async Task TwoTypedPages_AreIntroduced_AndTheBroadcastOfATaskReachesBoth()
    {
        string board = NewBoard();
        await using var ann = await JoinAsync(board, "ann");
        Assert.Equal(new MemberJoined("ann", 1), await ann.ExpectAsync<MemberJoined>());

        await using var bob = await JoinAsync(board, "bob");
        Assert.Equal(new MemberJoined("bob", 2), await ann.ExpectAsync<MemberJoined>());
        Assert.Equal(new MemberJoined("bob", 2), await bob.ExpectAsync<MemberJoined>());

        // Sent to the board's group: each member gets it, the sender included.
        await bob.Client.SendAsync(new AddTask("typed"));
        var expected = new TaskAdded(new BoardTask(1, "typed", "todo"), "bob");
        Assert.Equal(expected, await ann.ExpectAsync<TaskAdded>());
        Assert.Equal(expected, await bob.ExpectAsync<TaskAdded>());

        var snapshot = await ann.Client.RequestAsync(new GetBoard());
        Assert.Equal(board, snapshot.Board);
        Assert.Equal(["typed"], snapshot.Tasks.Select(task => task.Title));
    }

    [Fact]
    public async Task InvalidTask_IsAnErrorEnvelopeNamingTheField_AndTheConnectionStays()
    {
        await using var page = await JoinAsync(NewBoard(), "ann");
        await page.ExpectAsync<MemberJoined>();

        await page.Client.SendAsync(new AddTask(""));
        var error = await page.ExpectErrorAsync();
        Assert.True(error.Errors?.ContainsKey("title"), error.Message);

        await page.Client.SendAsync(new AddTask("fine"));
        Assert.Equal("fine", (await page.ExpectAsync<TaskAdded>()).Task.Title);
    }

    [Fact]
    public async Task PageThatNeverAnswers_IsAGuest_WhenTheVirtualClockPassesTheIntroductionTimeout()
    {
        await using var silent = await Client.ConnectContractAsync(
            options => new TaskBoardSocketClient(options)
            {
                OnWhoAreYou = async (_, cancellationToken) =>
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    throw new InvalidOperationException("Unreachable: the server cancels the request.");
                },
            },
            (client, uri, cancellationToken) => client.ConnectBoardAsync(uri, NewBoard(), cancellationToken));

        // The server starts the request's timer before it sends the request, so once it is here the clock may move.
        await silent.ExpectAsync<WhoAreYou>();
        _clock.Advance(TimeSpan.FromSeconds(9));
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(new MemberJoined("guest", 1), await silent.ExpectAsync<MemberJoined>());
    }

    [Fact]
    public async Task TaskForABoardBeyondTheStoresBound_ClosesWith1008()
    {
        // A store of one board, so a second board's first task is refused.
        using var bounded = _factory.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton(new TaskBoardStore(maxBoards: 1))));
        var client = new VelithonTestClient(bounded.Server);
        await using var first = await JoinAsync(client, NewBoard(), "ann");
        await first.ExpectAsync<MemberJoined>();
        await first.Client.SendAsync(new AddTask("fills the one board"));
        await first.ExpectAsync<TaskAdded>();

        await using var second = await JoinAsync(client, NewBoard(), "bob");
        await second.ExpectAsync<MemberJoined>();
        await second.Client.SendAsync(new AddTask("no room"));

        var closed = await second.ExpectCloseAsync(WebSocketCloseCode.PolicyViolation);
        Assert.Equal("This board is full.", closed.Reason);
    }

    [Fact]
    public async Task ExpectingTheWrongCase_FailsNamingWhatArrivedInstead()
    {
        await using var page = await JoinAsync(NewBoard(), "ann");

        var failure = await Assert.ThrowsAsync<TestExpectationException>(() => page.ExpectAsync<TaskAdded>());
        Assert.StartsWith("Expected a TaskAdded message; the server sent 'member-joined' {\"name\":\"ann\",\"members\":1} instead", failure.Message, StringComparison.Ordinal);

        await page.CloseAsync();
        var afterClose = await Assert.ThrowsAsync<TestExpectationException>(() => page.ExpectAsync<TaskAdded>());
        Assert.Equal("Expected a TaskAdded message; the connection closed with 1000 instead.", afterClose.Message);
    }

    public void Dispose() => _factory.Dispose();

    private static string NewBoard() => "typed-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Connects a page that introduces itself as <paramref name="name"/>, and reads the server's question.</summary>
    private Task<TestContractClient<TaskBoardSocketClient>> JoinAsync(string board, string name) => JoinAsync(Client, board, name);

    private static async Task<TestContractClient<TaskBoardSocketClient>> JoinAsync(VelithonTestClient server, string board, string name)
    {
        var page = await server.ConnectContractAsync(
            options => new TaskBoardSocketClient(options) { OnWhoAreYou = (_, _) => ValueTask.FromResult(new Introduction(name)) },
            (client, uri, cancellationToken) => client.ConnectBoardAsync(uri, board, cancellationToken));
        Assert.Equal(new WhoAreYou(board), await page.ExpectAsync<WhoAreYou>());
        return page;
    }
}
