using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Velithon.Runtime.Tests.Sessions;
using static Microsoft.Playwright.Assertions;

namespace Velithon.Demo.Tests;

/// <summary>
/// The chat page after a real network drop: the page reaches the demo through a loopback proxy that freezes (bytes
/// in flight vanish) and resets its connections, then refuses new ones for as long as the test keeps the network
/// down, so the gap lasts exactly as long as the test needs, whatever the page's backoff. Another page, connected
/// directly, talks meanwhile. The page speaks velithon.resume.v1 (wwwroot/resumable-socket.js).
/// </summary>
public sealed class BrowserChatResumeTests : IAsyncLifetime
{
    private DemoProcess _demo = null!;
    private HeadlessChromium _browser = null!;
    private CuttableProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _demo = await DemoProcess.StartAsync();
        _browser = await HeadlessChromium.StartAsync();
        _proxy = new CuttableProxy(_demo.Address.Port);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _browser.DisposeAsync();
        await _demo.DisposeAsync();
    }

    private Uri ThroughProxy => new($"http://127.0.0.1:{_proxy.Base.Port}/");

    [Fact]
    public async Task ChatPage_AfterTwoNetworkDrops_ResumesTheSameSessionTwice_AndEveryMessageOfTheGapsArrivesOnceInOrder()
    {
        var ann = await _browser.OpenAsync(ThroughProxy);
        var bob = await _browser.OpenAsync(_demo.Address);
        await JoinAsync(ann, "ann", "resume-room");
        await WaitForLogAsync(ann, "you are ann in resume-room (1 here)");
        await JoinAsync(bob, "bob", "resume-room");
        await WaitForLogAsync(ann, "bob joined (2 here)");
        await SendAsync(ann, "before the drop");
        await WaitForLogAsync(bob, "ann: before the drop");
        await WaitForLogAsync(ann, "ann: before the drop");

        // The network dies under the open connection: what either side sends now vanishes on the way, unacknowledged.
        _proxy.Freeze();
        await SendAsync(bob, "bob while frozen");
        await WaitForLogAsync(bob, "bob: bob while frozen");
        await SendAsync(ann, "ann while frozen");

        // Then the connection is reset on both sides (no close frame), and the network stays down.
        _proxy.RefuseNewConnections = true;
        _proxy.Cut();
        await Expect(ann.Locator("#chat .state")).ToHaveTextAsync("reconnecting…");
        await SendAsync(bob, "bob during the gap");
        await WaitForLogAsync(bob, "bob: bob during the gap");
        // The page keeps what its user types while disconnected, for the resume.
        await SendAsync(ann, "ann during the gap");

        _proxy.RefuseNewConnections = false;
        await Expect(ann.Locator("#chat .state")).ToHaveTextAsync("resumed");
        await WaitForLogAsync(bob, "ann: ann during the gap");
        await WaitForLogAsync(ann, "ann: ann during the gap");

        // The room's one order: bob's two were said while ann's page was away; ann's two reached the room when her page
        // resumed and sent them again. Each line once, on both pages.
        string[] said = ["ann: before the drop", "bob: bob while frozen", "bob: bob during the gap", "ann: ann while frozen", "ann: ann during the gap"];
        Assert.Equal(
            [
                $"connected to {ProxiedWebSocketUrl("/chat/resume-room?name=ann")}",
                "you are ann in resume-room (1 here)",
                "bob joined (2 here)",
                "ann: before the drop",
                "connection lost (1006): reconnecting…",
                "resumed the session",
                .. said[1..],
            ],
            await LogAsync(ann));

        // The same session went on: bob heard no "ann left" and no second "ann joined", and the room still counts two.
        Assert.Equal(
            [
                $"connected to {_demo.WebSocketUrl("/chat/resume-room?name=bob")}",
                "you are bob in resume-room (2 here)",
                .. said,
            ],
            await LogAsync(bob));
        await SendAsync(bob, "still two of us");
        await WaitForLogAsync(ann, "bob: still two of us");
        await Expect(ann.Locator("#chat .state")).ToHaveTextAsync("resumed");

        // A second drop: a token resumes once, so the page offers the one its resume brought, and resumes again.
        _proxy.RefuseNewConnections = true;
        _proxy.Cut();
        await Expect(ann.Locator("#chat .state")).ToHaveTextAsync("reconnecting…");
        await SendAsync(bob, "bob during the second gap");
        await WaitForLogAsync(bob, "bob: bob during the second gap");
        await SendAsync(ann, "ann during the second gap");
        _proxy.RefuseNewConnections = false;
        await Expect(ann.Locator("#chat .state")).ToHaveTextAsync("resumed");
        await WaitForLogAsync(ann, "ann: ann during the second gap");
        await WaitForLogAsync(bob, "ann: ann during the second gap");
        Assert.Equal(
            [
                "bob: still two of us",
                "connection lost (1006): reconnecting…",
                "resumed the session",
                "bob: bob during the second gap",
                "ann: ann during the second gap",
            ],
            (await LogAsync(ann)).SkipWhile(line => line != "bob: still two of us"));

        // After a resume, Leave is still a clean close: the room hears ann leave, once.
        await ann.ClickAsync("#chat .disconnect");
        await Expect(ann.Locator("#chat .state")).ToHaveTextAsync("closed");
        await WaitForLogAsync(bob, "ann left (1 here)");
        await WaitForLogAsync(ann, "closed: 1000");
        Assert.Equal("", _demo.Errors);
    }

    [Fact]
    public async Task ChatPage_WhenTheServerCannotResume_StartsANewSession_AndSaysWhatMayBeLost()
    {
        var ann = await _browser.OpenAsync(ThroughProxy);
        await JoinAsync(ann, "ann", "restart-room");
        await WaitForLogAsync(ann, "you are ann in restart-room (1 here)");
        await SendAsync(ann, "before the restart");
        await WaitForLogAsync(ann, "ann: before the restart");

        // A message in flight when the network dies: the page wrote it and never heard that it arrived.
        _proxy.Freeze();
        await SendAsync(ann, "in flight");
        _proxy.RefuseNewConnections = true;
        _proxy.Cut();
        await Expect(ann.Locator("#chat .state")).ToHaveTextAsync("reconnecting…");
        // A message typed while disconnected: it never left the page.
        await SendAsync(ann, "typed while away");

        // The server restarts behind the same address: the new process has other keys and another server id, and
        // none of the old sessions.
        await _demo.DisposeAsync();
        _demo = await DemoProcess.StartAsync();
        _proxy.TargetPort = _demo.Address.Port;
        var bob = await _browser.OpenAsync(_demo.Address);
        await JoinAsync(bob, "bob", "restart-room");
        await WaitForLogAsync(bob, "you are bob in restart-room (1 here)");
        _proxy.RefuseNewConnections = false;

        // The page says it could not resume and started afresh, names the message that may be lost, and sends the one
        // that never left in the new session, once.
        await WaitForLogAsync(ann, "ann: typed while away");
        await Expect(ann.Locator("#chat .state")).ToHaveTextAsync("open");
        Assert.Equal(
            [
                $"connected to {ProxiedWebSocketUrl("/chat/restart-room?name=ann")}",
                "you are ann in restart-room (1 here)",
                "ann: before the restart",
                "connection lost (1006): reconnecting…",
                "could not resume (4421: the session lives on another server): started a new session, missing what was said meanwhile",
                "may not have been delivered: in flight",
                $"connected to {ProxiedWebSocketUrl("/chat/restart-room?name=ann")}",
                "you are ann in restart-room (2 here)",
                "ann: typed while away",
            ],
            await LogAsync(ann));
        await Expect(LogLine(ann, "could not resume (4421: the session lives on another server): started a new session, missing what was said meanwhile"))
            .ToHaveClassAsync("closed failed");

        await WaitForLogAsync(bob, "ann: typed while away");
        Assert.Equal(
            [
                $"connected to {_demo.WebSocketUrl("/chat/restart-room?name=bob")}",
                "you are bob in restart-room (1 here)",
                "ann joined (2 here)",
                "ann: typed while away",
            ],
            await LogAsync(bob));
        Assert.Equal("", _demo.Errors);
    }

    private Uri ProxiedWebSocketUrl(string pathAndQuery) => new($"ws://127.0.0.1:{_proxy.Base.Port}{pathAndQuery}");

    private static Task<IReadOnlyList<string>> LogAsync(IPage page) => page.Locator("#chat .log li").AllTextContentsAsync();

    private static ILocator LogLine(IPage page, string line) =>
        page.Locator("#chat .log li").Filter(new LocatorFilterOptions { HasTextRegex = new Regex($"^{Regex.Escape(line)}$") }).First;

    private static Task WaitForLogAsync(IPage page, string line) => Expect(LogLine(page, line)).ToBeAttachedAsync();

    private static async Task JoinAsync(IPage page, string name, string room)
    {
        await page.FillAsync("#chat [name=name]", name);
        await page.FillAsync("#chat [name=room]", room);
        await page.ClickAsync("#chat .connect");
        await Expect(page.Locator("#chat .state")).ToHaveTextAsync("open");
    }

    private static async Task SendAsync(IPage page, string message)
    {
        await page.FillAsync("#chat [name=message]", message);
        await page.ClickAsync("#chat form.send button");
    }
}
