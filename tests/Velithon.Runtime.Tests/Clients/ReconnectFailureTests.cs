using Microsoft.AspNetCore.Builder;
using Velithon.Testing;

namespace Velithon.Runtime.Tests.Clients;

public sealed class ReconnectFailureTests
{
    [Fact]
    public async Task ReconnectWhoseTransportThrowsItsOwnException_EndsWithAFinalClose()
    {
        var clock = new TestClock();
        await using var server = await VelithonTestServer.StartAsync(clock, app => app.MapVelithon(),
            builder => TestServer.ConfigureServices(builder, options => options.RequestTimeout = TimeSpan.FromSeconds(20)));
        int opens = 0;
        var final = new TaskCompletionSource<ContractClientClosed>(TaskCreationOptions.RunContinuationsAsynchronously);
        var room = await server.Client.ConnectContractAsync(
            options =>
            {
                var open = options.OpenWebSocket!;
                options.OpenWebSocket = (handshake, ct) => Interlocked.Increment(ref opens) == 1
                    ? open(handshake, ct)
                    : throw new InvalidOperationException("refused, as a transport of its own throws");
                options.Reconnect = new ReconnectOptions { MaxAttempts = 1, Jitter = false, InitialDelay = TimeSpan.FromSeconds(1) };
                var client = new RoomSocketClient(options)
                {
                    OnQuestion = async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return new Answer("never", 0); },
                };
                client.Closed += closed =>
                {
                    if (!closed.WillReconnect)
                    {
                        final.TrySetResult(closed);
                    }
                };
                return client;
            },
            (client, uri, ct) => client.ConnectClientsRoomAsync(uri, 3, cancellationToken: ct));

        // The server's request goes unanswered until its timeout, which ends the connection with 1011: a code the
        // client reconnects after.
        await room.Client.SendAsync(new AskMe("anyone?"));
        await room.ExpectAsync<Question>();
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await room.ExpectCloseAsync(WebSocketCloseCode.InternalError)).WillReconnect);
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(1));

        var closed = await final.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WebSocketCloseCode.InternalError, closed.Code);
        Assert.Equal(2, opens);
        Assert.Equal(ContractClientState.Closed, room.Client.State);
        await room.DisposeAsync();
    }
}
