using System.Threading.Channels;

namespace Velithon.Runtime.Tests.Clients;

/// <summary>
/// The C# client the generator writes for a contract (<see cref="RoomSocketClient"/>), on Kestrel: typed route,
/// query and header values, messages both ways, a request each way, an error envelope, a request timeout and
/// reconnection with back-off, both measured on a fake clock.
/// </summary>
public sealed class CSharpClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Client_SpeaksTheContract_WithTypedValuesRequestsBothWaysAndErrors()
    {
        var said = Channel.CreateUnbounded<Said>();
        var errors = Channel.CreateUnbounded<ContractError>();
        var closed = new TaskCompletionSource<ContractClientClosed>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new RoomSocketClient(new ContractClientOptions { Reconnect = null })
        {
            OnSaid = (message, _) => said.Writer.WriteAsync(message),
            OnQuestion = (question, _) => ValueTask.FromResult(new Answer("answer to " + question.Prompt, question.Prompt.Length)),
        };
        client.ErrorReceived += error => errors.Writer.TryWrite(error);
        client.Closed += ending => closed.TrySetResult(ending);

        await client.ConnectClientsRoomAsync(fixture.Server.HttpBase, 7, userName: "ada li", token: "t-1");
        Assert.Equal(ContractClientState.Open, client.State);
        Assert.Equal(RoomSocket.ContractSubprotocol, client.SubProtocol);
        Assert.Equal("/clients/room/7?user=ada%20li", client.Uri!.PathAndQuery);

        await client.SendAsync(new Say("hello", Mood.Excited, ["a", "b"], null));
        var first = await ReadAsync(said);
        Assert.Equal(new Said(7, "ada li", "t-1", "hello", Mood.Excited, first.Tags, null), first);
        Assert.Equal(["a", "b"], first.Tags);

        var sum = await client.RequestAsync(new Sum([1, 2, 3, 4]));
        Assert.Equal(new SumResult(10, null), sum);

        // The server asks while it handles a message; the typed handler's result is the reply.
        await client.SendAsync(new AskMe("colour?"));
        Assert.Equal("answer to colour? (7)", (await ReadAsync(said)).Text);

        // A message the contract's validation refuses: an error envelope, by JSON name; the connection goes on.
        await client.SendAsync(new Say(null!, Mood.Calm, [], null));
        var error = await ReadAsync(errors);
        Assert.Equal("The 'say' message is invalid.", error.Message);
        Assert.Equal(["text"], error.Errors!.Keys);
        Assert.Equal(new SumResult(3, null), await client.RequestAsync(new Sum([1, 2])));

        await client.CloseAsync();
        Assert.Equal(new ContractClientClosed(1000, "", false), await closed.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ContractClientState.Closed, client.State);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(new AskMe("late")).AsTask());
    }

    [Fact]
    public async Task Request_WithoutAReply_TimesOutOnTheClientsClock()
    {
        var clock = new Velithon.Testing.TestClock();
        await using var client = new RoomSocketClient(new ContractClientOptions { Reconnect = null, TimeProvider = clock });
        await client.ConnectClientsRoomAsync(fixture.Server.HttpBase, 1);

        var stalled = client.RequestAsync(new Stall(), TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(5), await clock.NextTimerAsync());
        clock.Advance(TimeSpan.FromSeconds(5));

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => stalled);
        Assert.Contains("'stall'", timeout.Message, StringComparison.Ordinal);
        Assert.Equal(ContractClientState.Open, client.State);
    }

    [Fact]
    public async Task ServiceRestart_Reconnects_AfterTheBackOffDelay_ButARefusalDoesNot()
    {
        var clock = new Velithon.Testing.TestClock();
        var opened = Channel.CreateUnbounded<bool>();
        var closed = Channel.CreateUnbounded<ContractClientClosed>();
        var options = new ContractClientOptions
        {
            TimeProvider = clock,
            Reconnect = new ReconnectOptions { InitialDelay = TimeSpan.FromSeconds(2), Jitter = false },
        };
        await using var client = new RoomSocketClient(options);
        client.Opened += reconnected => opened.Writer.TryWrite(reconnected);
        client.Closed += ending => closed.Writer.TryWrite(ending);
        await client.ConnectClientsRoomAsync(fixture.Server.HttpBase, 3, userName: "bo");
        Assert.False(await ReadAsync(opened));

        // 1012 (service restart) is worth another attempt: after the first back-off delay, on the client's clock.
        await client.SendAsync(new Leave(1012));
        Assert.Equal(new ContractClientClosed(1012, "leaving", true), await ReadAsync(closed));
        Assert.Equal(ContractClientState.Reconnecting, client.State);
        Assert.Equal(TimeSpan.FromSeconds(2), await clock.NextTimerAsync());
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await ReadAsync(opened));
        Assert.Equal(ContractClientState.Open, client.State);
        Assert.Equal("/clients/room/3?user=bo", client.Uri!.PathAndQuery);
        var request = client.RequestAsync(new Sum([20, 22]));
        Assert.Equal(new SumResult(42, null), await request);

        // An application code says this client was refused: no new attempt.
        await client.SendAsync(new Leave(4000));
        Assert.Equal(new ContractClientClosed(4000, "leaving", false), await ReadAsync(closed));
        Assert.Equal(ContractClientState.Closed, client.State);
    }

    [Fact]
    public async Task ClientOfAnotherContractVersion_IsRefusedWith4426_AndDoesNotRetry()
    {
        var closed = Channel.CreateUnbounded<ContractClientClosed>();
        await using var client = new StaleRoomClient(new ContractClientOptions { Reconnect = new ReconnectOptions { InitialDelay = TimeSpan.Zero } });
        client.Closed += ending => closed.Writer.TryWrite(ending);

        await client.ConnectAsync(new Uri(fixture.Server.Http1Base, "/clients/room/5"));

        var ending = await ReadAsync(closed);
        Assert.Equal(WebSocketCloseCode.ContractVersionMismatch, ending.Code);
        Assert.False(ending.WillReconnect);
        Assert.StartsWith("Contract version mismatch", ending.Reason, StringComparison.Ordinal);
        Assert.Equal(ContractClientState.Closed, client.State);
    }

    /// <summary>A client generated from another version of the room's contract: it offers that version's subprotocol.</summary>
    private sealed class StaleRoomClient(ContractClientOptions options) : ContractClient("velithon.0000000000000000", options)
    {
        protected override ValueTask<bool> OnMessageAsync(string type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) => new(false);

        protected override ValueTask<byte[]>? OnRequestAsync(string type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) => null;
    }

    private static async Task<T> ReadAsync<T>(Channel<T> channel) =>
        await channel.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
}
