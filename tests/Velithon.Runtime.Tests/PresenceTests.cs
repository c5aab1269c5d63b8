using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Velithon.Presence;
using Velithon.Scaling;

namespace Velithon.Runtime.Tests;

/// <summary>
/// Presence on one server, with no backplane, with a backplane written before presence existed, and with a backplane
/// that carries presence, through which the test plays another server: its deltas, states, heartbeats and silence.
/// </summary>
public sealed class PresenceTests
{
    internal const string OtherServer = "zzzzzzzzzzzzz";

    // Keep-alive off: the tests move the fake clock past the presence timeout, which would also pass a ping's deadline
    // before the real client's pong arrives, and the server would end the connection (a race with the test's steps).
    private static Task<TestServer> StartAsync(WebSocketBackplane? backplane = null, TimeProvider? clock = null) =>
        TestServer.StartAsync(configure: options => options.KeepAliveInterval = TimeSpan.Zero, configureBuilder: builder =>
        {
            if (backplane is not null)
            {
                builder.Services.AddSingleton(backplane);
            }

            if (clock is not null)
            {
                builder.Services.AddSingleton(clock);
            }
        });

    internal static Task<ClientWebSocket> ConnectAsync(TestServer server, string room, string user, string? device = null) =>
        Client.ConnectAsync(server.Url($"/presence/{room}?user={user}" + (device is null ? "" : "&device=" + device)));

    /// <summary>The next <paramref name="count"/> messages, diffs summarized as "+a -b", sorted: a diff and a reply to the client race.</summary>
    internal static async Task<string[]> ReceiveAsync(ClientWebSocket client, int count = 1)
    {
        var received = new string[count];
        for (int i = 0; i < count; i++)
        {
            var text = await client.ReceiveTextAsync();
            received[i] = text.StartsWith("{\"type\":\"presence_diff\"", StringComparison.Ordinal) ? Summarize(text) : text;
        }

        Array.Sort(received, StringComparer.Ordinal);
        return received;
    }

    internal static string Summarize(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var joins = root.GetProperty("joins").EnumerateObject().Select(join => "+" + join.Name);
        var leaves = root.GetProperty("leaves").EnumerateObject().Select(leave => "-" + leave.Name);
        return string.Join(' ', joins.Concat(leaves));
    }

    internal static byte[] Encode(PresenceOp op, ulong sequence, string? target = null, params (byte Change, PresenceEntry Entry)[] entries) =>
        Encode(op, OtherServer, 7, sequence, target, entries);

    internal static byte[] Encode(PresenceOp op, string server, uint incarnation, ulong sequence, string? target, (byte Change, PresenceEntry Entry)[] entries)
    {
        // Not the pooled writer: the memory test must not leave megabyte buffers in the shared pool as it measures.
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        PresenceCodec.WriteHeader(writer, op, server, incarnation, sequence);
        if (op == PresenceOp.SyncRequest)
        {
            PresenceCodec.WriteTarget(writer, target ?? "");
        }

        if (op is PresenceOp.Delta or PresenceOp.State)
        {
            PresenceCodec.WriteCount(writer, entries.Length);
            foreach (var (change, entry) in entries)
            {
                if (op == PresenceOp.Delta)
                {
                    PresenceCodec.WriteByte(writer, change);
                }

                PresenceCodec.WriteEntry(writer, entry);
            }
        }

        return writer.WrittenMemory.ToArray();
    }

    internal static PresenceEntry Entry(string key, string sequence, string? device = null) =>
        new(OtherServer + "." + sequence, key, device is null ? [] : ["device", device]);

    [Fact]
    public async Task OneServer_SecondDeviceIsNoJoin_LastDeviceLeavingIsALeave_UntrackKeepsTheGroup()
    {
        await using var server = await StartAsync();
        var presence = server.Services.GetRequiredService<IWebSocketPresence>();
        using var phone = await ConnectAsync(server, "den", "alice", "phone");
        Assert.Equal(["+alice", "tracked"], await ReceiveAsync(phone, 2));

        // Alice's laptop: she is present already, so nobody gets a diff; Bob's arrival is the phone's next message.
        using var laptop = await ConnectAsync(server, "den", "alice", "laptop");
        Assert.Equal(["tracked"], await ReceiveAsync(laptop));
        using var bob = await ConnectAsync(server, "den", "bob");
        Assert.Equal(["+bob", "tracked"], await ReceiveAsync(bob, 2));
        Assert.Equal(["+bob"], await ReceiveAsync(phone));
        Assert.Equal(["+bob"], await ReceiveAsync(laptop));
        await laptop.SendTextAsync("list");
        Assert.Equal(["list alice:laptop,phone bob:"], await ReceiveAsync(laptop));

        // The phone closes: alice keeps her laptop, so no leave; the list's reply is Bob's next message.
        await phone.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await Client.EventuallyAsync(() => PresenceHandlers.Describe(presence.List("den")) == "alice:laptop bob:");
        await bob.SendTextAsync("list");
        Assert.Equal(["list alice:laptop bob:"], await ReceiveAsync(bob));

        // The laptop's TCP connection is cut: her last device, so a leave with its metadata.
        laptop.Abort();
        var leave = await bob.ReceiveTextAsync();
        Assert.Equal("-alice", Summarize(leave));
        using (var document = JsonDocument.Parse(leave))
        {
            var last = Assert.Single(document.RootElement.GetProperty("leaves").GetProperty("alice").EnumerateArray());
            Assert.Equal("laptop", last.GetProperty("meta").GetProperty("device").GetString());
        }

        // Untracking leaves presence, not the group: Bob sees his own leave and still gets the room's messages.
        await bob.SendTextAsync("untrack");
        Assert.Equal(["-bob", "untracked"], await ReceiveAsync(bob, 2));
        await bob.SendTextAsync("untrack");
        Assert.Equal(["not tracked"], await ReceiveAsync(bob));
        await bob.SendTextAsync("say still here");
        Assert.Equal(["still here"], await ReceiveAsync(bob));
        Assert.Empty(presence.List("den"));
    }

    [Fact]
    public async Task BackplaneWrittenBeforePresence_KeepsPresenceLocal_AndGetsNothingNew()
    {
        var backplane = new GatedBackplane();
        Assert.False(backplane.SupportsPresence);
        Assert.True(backplane.IsReachable);
        await using var server = await StartAsync(backplane);
        using var ann = await ConnectAsync(server, "den", "ann");
        Assert.Equal(["+ann", "tracked"], await ReceiveAsync(ann, 2));
        await ann.SendTextAsync("list");
        Assert.Equal(["list ann:"], await ReceiveAsync(ann));
        Assert.Empty(backplane.Published);
    }

    [Fact]
    public async Task RemoteServer_DeltasInSequence_GapAsksForState_StateReplaces_SilenceExpires_OutageDoesNot()
    {
        var backplane = new PresenceBackplane();
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(backplane, clock);
        var presence = server.Services.GetRequiredService<IWebSocketPresence>();
        string ownId = server.Services.GetRequiredService<Velithon.Groups.WebSocketHub>().Ids.ServerId;
        using var ann = await ConnectAsync(server, "den", "ann");
        Assert.Equal(["+ann", "tracked"], await ReceiveAsync(ann, 2));

        // Its own change, then a request for everyone's state once the group is followed.
        Assert.Equal([(PresenceOp.Delta, 1ul, ""), (PresenceOp.SyncRequest, 1ul, "")], Ops(backplane));
        var delta = backplane.Read()[0].Message;
        Assert.Equal("ann", Assert.Single(delta.Changes!).Entry.Key);
        backplane.Published.Clear();

        backplane.Deliver("den", Encode(PresenceOp.Delta, 1, null, (PresenceCodec.Join, Entry("zed", "1", "phone"))));
        Assert.Equal(["+zed"], await ReceiveAsync(ann));

        // Sequence 3 after 1: a gap. Not applied; the sender is asked for its state.
        backplane.Deliver("den", Encode(PresenceOp.Delta, 3, null, (PresenceCodec.Join, Entry("zoe", "3"))));
        Assert.Equal("ann: zed:phone", PresenceHandlers.Describe(presence.List("den")));
        Assert.Equal([(PresenceOp.SyncRequest, 1ul, OtherServer)], Ops(backplane));
        backplane.Published.Clear();

        // The state replaces the copy; a heartbeat at the same number asks for nothing.
        backplane.Deliver("den", Encode(PresenceOp.State, 3, null, (0, Entry("zed", "1", "phone")), (0, Entry("zoe", "3"))));
        Assert.Equal(["+zoe"], await ReceiveAsync(ann));
        backplane.Deliver("den", Encode(PresenceOp.Heartbeat, 3));
        Assert.Empty(backplane.Published);

        // A message cut short is logged and changes nothing.
        backplane.Deliver("den", Encode(PresenceOp.Delta, 4, null, (PresenceCodec.Leave, Entry("zed", "1")))[..^3]);
        Assert.Contains(server.Logs.Entries, entry => entry.Message.Contains("presence message on the group den could not be read", StringComparison.Ordinal));
        Assert.Equal("ann: zed:phone zoe:", PresenceHandlers.Describe(presence.List("den")));

        // Asked for its state, this server publishes its own entries at its sequence number.
        backplane.Deliver("den", Encode(PresenceOp.SyncRequest, 0, ownId));
        var state = Assert.Single(backplane.Read()).Message;
        Assert.Equal((PresenceOp.State, 1ul), (state.Op, state.Sequence));
        Assert.Equal("ann", Assert.Single(state.Changes!).Entry.Key);
        backplane.Published.Clear();

        // Three heartbeat intervals: this server says it is alive each time; the other server is silent for 30
        // seconds, which is not more than the timeout. The fourth forgets it: one diff for both of its keys.
        for (int i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal([(PresenceOp.Heartbeat, 1ul, ""), (PresenceOp.Heartbeat, 1ul, ""), (PresenceOp.Heartbeat, 1ul, "")], Ops(backplane));
        Assert.Equal("ann: zed:phone zoe:", PresenceHandlers.Describe(presence.List("den")));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["-zed -zoe"], await ReceiveAsync(ann));
        Assert.Equal("ann:", PresenceHandlers.Describe(presence.List("den")));

        // While the broker is unreachable, silence forgets nobody; the timeout counts from its end.
        backplane.Deliver("den", Encode(PresenceOp.Delta, OtherServer, 8, 1, null, [(PresenceCodec.Join, Entry("zed", "9"))]));
        Assert.Equal(["+zed"], await ReceiveAsync(ann));
        backplane.SetReachable(false);
        clock.Advance(TimeSpan.FromSeconds(100));
        Assert.Equal("ann: zed:", PresenceHandlers.Describe(presence.List("den")));
        backplane.SetReachable(true);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("ann: zed:", PresenceHandlers.Describe(presence.List("den")));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["-zed"], await ReceiveAsync(ann));
    }

    [Fact]
    public async Task NewIncarnation_ReplacesTheOldLifesEntries()
    {
        var backplane = new PresenceBackplane();
        await using var server = await StartAsync(backplane, new FakeTimeProvider());
        var presence = server.Services.GetRequiredService<IWebSocketPresence>();
        using var ann = await ConnectAsync(server, "den", "ann");
        Assert.Equal(["+ann", "tracked"], await ReceiveAsync(ann, 2));
        backplane.Deliver("den", Encode(PresenceOp.Delta, OtherServer, 1, 1, null, [(PresenceCodec.Join, Entry("zed", "1"))]));
        Assert.Equal(["+zed"], await ReceiveAsync(ann));

        // The other server dropped the group and came back with its sequence started again: sequence 1 of a new life
        // is not a duplicate of the old one's.
        backplane.Deliver("den", Encode(PresenceOp.Delta, OtherServer, 2, 1, null, [(PresenceCodec.Join, Entry("zoe", "2"))]));
        Assert.Equal(["+zoe -zed"], await ReceiveAsync(ann));
        Assert.Equal("ann: zoe:", PresenceHandlers.Describe(presence.List("den")));
    }

    [Fact]
    public async Task Track_RejectsOversizedKeysAndMetadata_BeforeChangingAnything()
    {
        await using var server = await StartAsync();
        var presence = server.Services.GetRequiredService<IWebSocketPresence>();
        var hub = server.Services.GetRequiredService<Velithon.Groups.WebSocketHub>();
        using var client = await Client.ConnectAsync(server.Url("/rooms/den"));
        Assert.Equal("joined", await client.ReceiveTextAsync());
        var socket = Assert.Single(hub.GetConnections());
        await Assert.ThrowsAsync<ArgumentException>(async () => await presence.TrackAsync(socket, "den", new string('k', 1025)));
        var tooMany = Enumerable.Range(0, 33).ToDictionary(i => $"m{i}", i => "v");
        await Assert.ThrowsAsync<ArgumentException>(async () => await presence.TrackAsync(socket, "den", "ann", tooMany));
        await Assert.ThrowsAsync<ArgumentException>(async () => await presence.TrackAsync(socket, "den", "ann", new Dictionary<string, string> { ["m"] = new string('v', 1025) }));
        Assert.Empty(presence.List("den"));
        Assert.True(await presence.TrackAsync(socket, "den", "ann"));
        Assert.False(await presence.TrackAsync(socket, "den", "ann2"));
        Assert.Equal("ann", Assert.Single(presence.List("den")).Key);
    }

    [Fact]
    public async Task Track_RejectsKeysAndMetadataWithALoneSurrogate_BeforeChangingAnything()
    {
        // The other servers get the key as UTF-8, where a lone surrogate becomes U+FFFD: one member, two keys.
        await using var server = await StartAsync();
        var presence = server.Services.GetRequiredService<IWebSocketPresence>();
        var hub = server.Services.GetRequiredService<Velithon.Groups.WebSocketHub>();
        using var client = await Client.ConnectAsync(server.Url("/rooms/den"));
        Assert.Equal("joined", await client.ReceiveTextAsync());
        var socket = Assert.Single(hub.GetConnections());
        var key = await Assert.ThrowsAsync<ArgumentException>(async () => await presence.TrackAsync(socket, "den", "ann\uD800"));
        Assert.Equal("key", key.ParamName);
        Assert.Contains("lone surrogate", key.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await presence.TrackAsync(socket, "den", "\uDC00ann"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await presence.TrackAsync(socket, "den", "ann", new Dictionary<string, string> { ["m"] = "v\uDBFF" }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await presence.TrackAsync(socket, "den", "ann", new Dictionary<string, string> { ["\uD800m"] = "v" }));
        Assert.Empty(presence.List("den"));

        // A surrogate pair is valid UTF-16 (U+1F600).
        Assert.True(await presence.TrackAsync(socket, "den", "ann\uD83D\uDE00"));
        Assert.Equal("ann\uD83D\uDE00", Assert.Single(presence.List("den")).Key);
    }

    private static List<(PresenceOp Op, ulong Sequence, string Target)> Ops(PresenceBackplane backplane) =>
        [.. backplane.Read().Select(published => (published.Message.Op, published.Message.Sequence, published.Message.Target ?? ""))];
}
