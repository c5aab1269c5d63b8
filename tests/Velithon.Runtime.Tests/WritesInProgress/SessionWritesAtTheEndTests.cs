using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Velithon.Routing;
using Velithon.Sessions;

namespace Velithon.Runtime.Tests.WritesInProgress;

/// <summary>
/// A resumable session's transports against a frame still being written on them (docs/resumable-sessions.md). Each
/// transport is its own request's: the first one the handler's, which ends when the connection completes, and each
/// resume's, which ends when its <c>SessionRegistry.ResumeAsync</c> returns. Neither may end while a frame is being
/// written on its transport, though a resume replaced or refused that transport before.
/// </summary>
public sealed class SessionWritesAtTheEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // What the client sends to close (RFC 6455 section 5.5.1): a close frame with 1000, masked with a zero key.
    private static readonly byte[] ClientClose = [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8];

    [Fact]
    public async Task AWriteOnTheFirstTransport_WhenAResumeReplacedIt_TheHandlersRequestEndsOnlyAfterThatWrite()
    {
        using var runtime = new BareRuntime();
        var policy = ResumablePolicy(runtime);
        var first = new HeldTransport();
        var connection = await runtime.AcceptAsync(ControlledRequest.OverPipe(first, new RequestLifetime(), ResumeProtocol.SubProtocol), policy);
        var session = connection.Session!;
        var firstSocket = connection.Socket!;

        // A keep-alive ping on the first transport stops in the middle of writing into its pipe.
        first.Output.HoldNextWrite();
        var ping = Task.Run(firstSocket.TryWritePing);
        await first.Output.Holding.WaitAsync(Timeout);
        try
        {
            // The client resumes on a second connection, which replaces the first transport (aborted; the ping's
            // write goes on).
            var second = new HeldTransport();
            var resuming = runtime.Runtime.Sessions.ResumeAsync(
                ControlledRequest.OverPipe(second, new RequestLifetime(), ResumeProtocol.ResumeOfferPrefix + "0." + session.Token),
                policy, "test", new ResumeOffer(0, session.Token));
            Assert.NotSame(firstSocket, connection.Socket);
            Assert.True(first.Output.Aborted);

            // The handler returns: the connection closes with 1000 on the second transport, whose client answers at
            // once; the handler's request (the first transport's) ends with the connection's completion.
            second.Deliver(ClientClose);
            var completion = connection.CompleteAsync();
            _ = completion.ContinueWith(_ => first.Output.End(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            Assert.False(completion.IsCompleted, "The handler's request waits for the write on its own transport.");

            first.Output.Release();
            await completion.WaitAsync(Timeout);
            await resuming.WaitAsync(Timeout);
        }
        finally
        {
            first.Output.Release();
        }

        Assert.True(await ping.WaitAsync(Timeout), "The ping was handed to the transport before the resume.");
        Assert.Equal(WebSocketCloseCode.NormalClosure, connection.CloseCode);
        Assert.False(first.Output.WriteInProgressAtEnd);
        Assert.Empty(first.Output.UsedAfterEnd);
        Assert.Empty(runtime.Logs.Messages(LogLevel.Error));
    }

    [Fact]
    public async Task ARefusedResume_WhoseCloseFrameWaitsForAClientThatStoppedReading_EndsItsRequestOnlyOnceThatWriteIsCutShort()
    {
        var clock = new FakeTimeProvider();
        using var runtime = new BareRuntime(clock);
        var policy = ResumablePolicy(runtime);
        var transport = new HeldTransport();
        transport.Output.HoldFlushes();

        // A resume with a token this server never issued: the handshake completes, then the refusal's close frame
        // goes out (4xxx) and its flush waits, since the client no longer reads.
        var resuming = runtime.Runtime.Sessions.ResumeAsync(
            ControlledRequest.OverPipe(transport, new RequestLifetime(), ResumeProtocol.ResumeOfferPrefix + "0.not-a-token"),
            policy, "test", new ResumeOffer(0, "not-a-token"));
        _ = resuming.ContinueWith(_ => transport.Output.End(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Assert.False(resuming.IsCompleted);

        // The close timeout passes: the request ends, once the write waiting for the client is cut short.
        clock.Advance(runtime.Runtime.Options.CloseTimeout);
        await resuming.WaitAsync(Timeout);

        Assert.True(transport.Output.Aborted, "The transport was cut, which ends the write waiting for the client.");
        Assert.False(transport.Output.WriteInProgressAtEnd);
        Assert.Empty(transport.Output.UsedAfterEnd);
        Assert.Empty(runtime.Logs.Messages(LogLevel.Error));
    }

    private static RoutePolicy ResumablePolicy(BareRuntime runtime)
    {
        // What the generated MapVelithon() does for a [ResumableSession] route: tokens get in-memory keys.
        runtime.Runtime.Sessions.EnableInMemoryKeys();
        return runtime.Runtime.ResolvePolicy(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new ResumableSessionAttribute()), "resumable"));
    }
}
