using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Velithon.Testing;

namespace Velithon.Runtime.Tests.Clients;

/// <summary>
/// The generated <see cref="RoomSocketClient"/> on the in-memory test server (Velithon.Testing) with a
/// <see cref="TestClock"/>: typed connect, send, expect and requests both ways, error envelopes, the close code, a
/// refused handshake, and request timeouts on both ends passed by advancing the clock.
/// </summary>
public sealed class TypedTestClientTests : IAsyncLifetime
{
    private readonly TestClock _clock = new();
    private VelithonTestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await VelithonTestServer.StartAsync(
            _clock,
            app =>
            {
                // A gate in front of the routes, as an authentication middleware would be: a refused handshake.
                app.Use(async (context, next) =>
                {
                    if (context.Request.Headers["X-Room-Token"] == "revoked")
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        await context.Response.WriteAsync("revoked token");
                        return;
                    }

                    await next(context);
                });
                app.MapVelithon();
            },
            builder => TestServer.ConfigureServices(builder, options => options.RequestTimeout = TimeSpan.FromSeconds(20)));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TypedValues_Send_Expect_AndRequestsBothWays()
    {
        await using var room = await _server.Client.ConnectContractAsync(
            options => new RoomSocketClient(options)
            {
                OnQuestion = (question, _) => ValueTask.FromResult(new Answer("answer to " + question.Prompt, question.Prompt.Length)),
            },
            (client, uri, ct) => client.ConnectClientsRoomAsync(uri, 7, userName: "ada li", token: "t-1", cancellationToken: ct));
        Assert.Equal(RoomSocket.ContractSubprotocol, room.Client.SubProtocol);
        Assert.Equal("/clients/room/7?user=ada%20li", room.Client.Uri!.PathAndQuery);

        await room.Client.SendAsync(new Say("hello", Mood.Excited, ["a"], null));
        var said = await room.ExpectAsync<Said>();
        Assert.Equal((7, "ada li", "t-1", "hello"), (said.RoomNumber, said.UserName, said.Token, said.Text));

        Assert.Equal(new SumResult(10, null), await room.Client.RequestAsync(new Sum([1, 2, 3, 4])));

        // The server's request shows in the inbox, and the handler property answers it.
        await room.Client.SendAsync(new AskMe("colour?"));
        Assert.Equal(new Question("colour?"), await room.ExpectAsync<Question>());
        Assert.Equal("answer to colour? (7)", (await room.ExpectAsync<Said>()).Text);

        // Refused by the contract's validation: an error envelope, and the connection goes on.
        await room.Client.SendAsync(new Say(null!, Mood.Calm, [], null));
        var error = await room.ExpectErrorAsync();
        Assert.Equal(["text"], error.Errors!.Keys);

        await room.Client.SendAsync(new Leave(4001));
        Assert.Equal("leaving", (await room.ExpectCloseAsync(4001)).Reason);
    }

    [Fact]
    public async Task Expectations_FailNamingWhatArrived()
    {
        await using var room = await _server.Client.ConnectContractAsync(
            options => new RoomSocketClient(options),
            (client, uri, ct) => client.ConnectClientsRoomAsync(uri, 1, cancellationToken: ct));

        await room.Client.SendAsync(new Say("hi", Mood.Calm, [], null));
        var wrongCase = await Assert.ThrowsAsync<TestExpectationException>(() => room.ExpectAsync<Question>());
        Assert.StartsWith("Expected a Question message; the server sent 'said' {", wrongCase.Message, StringComparison.Ordinal);

        await room.Client.SendAsync(new Say("hi", Mood.Calm, [], null));
        var notAnError = await Assert.ThrowsAsync<TestExpectationException>(() => room.ExpectErrorAsync());
        Assert.StartsWith("Expected an error envelope; the server sent 'said'", notAnError.Message, StringComparison.Ordinal);

        await room.Client.SendAsync(new Leave(4002));
        var otherCode = await Assert.ThrowsAsync<TestExpectationException>(() => room.ExpectCloseAsync(1000));
        Assert.Equal("Expected the close with 1000; the connection closed with 4002 'leaving' instead.", otherCode.Message);
    }

    [Fact]
    public async Task RefusedHandshake_IsExpectedWithItsStatus_AndAnAcceptedOneFailsTheExpectation()
    {
        var refused = await _server.Client.ExpectContractRefusedAsync(
            options => new RoomSocketClient(options),
            (client, uri, ct) => client.ConnectClientsRoomAsync(uri, 1, token: "revoked", cancellationToken: ct),
            StatusCodes.Status401Unauthorized);
        Assert.Equal("revoked token", refused.Body);

        var accepted = await Assert.ThrowsAsync<TestExpectationException>(() => _server.Client.ExpectContractRefusedAsync(
            options => new RoomSocketClient(options),
            (client, uri, ct) => client.ConnectClientsRoomAsync(uri, 1, token: "fine", cancellationToken: ct)));
        Assert.StartsWith("Expected the handshake to be refused; the server accepted the connection to ws://localhost/clients/room/1", accepted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientRequest_TimesOutWhenTheVirtualClockPassesIt()
    {
        await using var room = await _server.Client.ConnectContractAsync(
            options => new RoomSocketClient(options),
            (client, uri, ct) => client.ConnectClientsRoomAsync(uri, 2, cancellationToken: ct));

        // The client's timer starts after its send: wait until it runs, then move the clock past it.
        var stalled = room.Client.RequestAsync(new Stall(), TimeSpan.FromSeconds(5));
        await _clock.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        _clock.Advance(TimeSpan.FromSeconds(5));

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => stalled);
        Assert.Contains("'stall'", timeout.Message, StringComparison.Ordinal);

        // The connection stays; the stalled handler still holds the route's dispatch, so nothing more is asked here.
        Assert.Equal(ContractClientState.Open, room.Client.State);
    }

    [Fact]
    public async Task ServerRequest_TimesOutWhenTheVirtualClockPassesTheServersRequestTimeout()
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var room = await _server.Client.ConnectContractAsync(
            options => new RoomSocketClient(options)
            {
                OnQuestion = async (_, ct) =>
                {
                    asked.TrySetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                    return new Answer("never", 0);
                },
            },
            (client, uri, ct) => client.ConnectClientsRoomAsync(uri, 3, cancellationToken: ct));

        // The server starts its request's timer before it sends the request: once it is here, the clock may move.
        await room.Client.SendAsync(new AskMe("anyone?"));
        await room.ExpectAsync<Question>();
        _clock.Advance(TimeSpan.FromSeconds(20));

        // The handler's request failed with a TimeoutException, which ends the connection as a handler error.
        await room.ExpectCloseAsync(WebSocketCloseCode.InternalError);
    }

    [Fact]
    public async Task RawTestWebSocket_And_TypedClient_ShareTheServersClock()
    {
        Assert.Same(_clock, _server.TimeProvider);
        Assert.Same(_clock, _server.Client.TimeProvider);
        Assert.Same(_clock, _server.Client.CreateContractClientOptions().TimeProvider);
        Assert.Null(_server.Client.CreateContractClientOptions().Reconnect);

        await using var raw = await _server.Client.ConnectAsync("/clients/room/5", options => options.SubProtocols.Add(RoomSocket.ContractSubprotocol));
        await raw.SendTextAsync("""{"type":"sum","id":1,"payload":{"values":[2,3]}}""");
        Assert.Contains("\"total\":5", await raw.ReceiveTextAsync(), StringComparison.Ordinal);
    }
}
