using Microsoft.Extensions.DependencyInjection;
using Velithon.Runtime.Tests.WritesInProgress;
using Velithon.Sessions;

namespace Velithon.Runtime.Tests.Sessions;

/// <summary>
/// The in-memory keys of resumable sessions' tokens (docs/resumable-sessions.md, "The token"): one key ring per
/// server, however many handshakes open the first sessions at once.
/// </summary>
public sealed class InMemoryKeysTests
{
    [Fact]
    public async Task FirstTokensIssuedAtOnce_AreAllReadable()
    {
        using var bare = new BareRuntime();
        using var services = new ServiceCollection().BuildServiceProvider();
        var fields = new ResumeTokenFields("session", null, "/feed", "/feed");
        string serverId = bare.Runtime.Hub.Ids.ServerId;

        // Each round a new server: two handshakes issue its first tokens together. Two key rings made in the race
        // would leave one token protected with keys the server no longer holds, so its session could never resume.
        for (int round = 0; round < 200; round++)
        {
            var registry = new SessionRegistry(bare.Runtime, services);
            registry.EnableInMemoryKeys();
            using var start = new Barrier(2);
            var issued = await Task.WhenAll(
                Task.Run(() => { start.SignalAndWait(); return registry.IssueToken(fields, generation: 0); }),
                Task.Run(() => { start.SignalAndWait(); return registry.IssueToken(fields, generation: 0); }));

            foreach (string token in issued)
            {
                Assert.Equal(ResumeTokenResult.Valid, ResumeToken.Read(registry.Protector, serverId, token, out _, out _));
            }
        }
    }
}
