using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Velithon.Runtime.Tests;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Velithon.Demo.Tests;

/// <summary>
/// A person's view of the demo: headless Chromium pages open it, chat in the same room, and use the other
/// panels. Each step asserts what the page shows: the text of each line, its colour, how many lines there
/// are, what the status panel holds. The last screen is kept in artifacts/screenshots.
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Grey = "rgb(74, 82, 98)";   // demo.css: .log li.closed, a normal closure
    private const string Red = "rgb(170, 51, 51)";   // demo.css: .log li.failed, any other ending

    private DemoProcess _demo = null!;
    private HeadlessChromium _browser = null!;

    public async Task InitializeAsync()
    {
        _demo = await DemoProcess.StartAsync();
        _browser = await HeadlessChromium.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _demo.DisposeAsync();
    }

    [Fact]
    public async Task TwoPages_ChatInTheSameRoom_AndUseEveryPanel()
    {
        var ann = await _browser.OpenAsync(_demo.Address);
        var bob = await _browser.OpenAsync(_demo.Address);

        await JoinAsync(ann, "ann", "browser-room");
        await WaitForLogAsync(ann, "chat", "you are ann in browser-room (1 here)");
        await JoinAsync(bob, "bob", "browser-room");
        await WaitForLogAsync(bob, "chat", "you are bob in browser-room (2 here)");
        await WaitForLogAsync(ann, "chat", "bob joined (2 here)");

        await SendAsync(ann, "chat", "hello from ann");
        await WaitForLogAsync(bob, "chat", "ann: hello from ann");
        await SendAsync(bob, "chat", "hi ann");
        await WaitForLogAsync(ann, "chat", "bob: hi ann");

        await bob.ClickAsync("#chat .disconnect");
        // The server answers the page's close with the same code: a normal closure, not shown as a failure.
        await Expect(LogLine(bob, "chat", "closed: 1000")).ToHaveCSSAsync("color", Grey);
        await Expect(bob.Locator("#chat .state")).ToHaveTextAsync("closed");
        await WaitForLogAsync(ann, "chat", "bob left (1 here)");

        // Each chat line once: the sender's own message is the room's copy, in the room's order.
        Assert.Equal(
            [
                $"connected to {_demo.WebSocketUrl("/chat/browser-room?name=ann")}",
                "you are ann in browser-room (1 here)",
                "bob joined (2 here)",
                "ann: hello from ann",
                "bob: hi ann",
                "bob left (1 here)",
            ],
            await ann.Locator("#chat .log li").AllTextContentsAsync());

        await ann.ClickAsync("#echo .connect");
        await Expect(ann.Locator("#echo .state")).ToHaveTextAsync("open");
        await SendAsync(ann, "echo", "ping");
        await WaitForLogAsync(ann, "echo", "← Echo: ping");
        Assert.Equal(["→ ping", "← Echo: ping"], (await ann.Locator("#echo .log li").AllTextContentsAsync()).Skip(1));

        await ann.ClickAsync("#token .connect");
        await Expect(LogLine(ann, "token", "closed: 1008 Missing token")).ToHaveCSSAsync("color", Red);
        await ann.FillAsync("#token [name=token]", "letmein");
        await ann.ClickAsync("#token .connect");
        await WaitForLogAsync(ann, "token", "← Authenticated with token letmein");

        await ann.ClickAsync("#status .connect");
        // Ann's page holds four connections now (chat, echo, token, status) and her room is the only one; a
        // status message a second shows it once the server has let go of the connections that ended.
        await Expect(StatusLine(ann, 4, 1).First).ToBeAttachedAsync();
        var time = ann.Locator("#status .latest dt:text-is('time') + dd");
        await Expect(time).ToHaveTextAsync(new Regex(@"^\d{2}:\d{2}:\d{2} UTC$"));
        await SaveScreenshotAsync(ann, "demo-chat.png");

        // On a phone-sized screen the panels are at their narrowest: every status value still ends inside the
        // panel's padding.
        await ann.SetViewportSizeAsync(400, 1100);
        // Measured in one evaluation: the list is rebuilt with every status message, so an element found in one
        // call may be gone by the next.
        string[] overflows = await ann.Locator("#status").EvaluateAsync<string[]>("""
            section => {
              const panel = section.closest(".panel");
              const inner = panel.getBoundingClientRect().right - parseFloat(getComputedStyle(panel).paddingRight);
              const values = [...section.querySelectorAll(".latest dd")];
              if (values.length === 0) return ["no status values are shown"];
              return values
                .filter(value => value.getBoundingClientRect().right > inner)
                .map(value => `'${value.textContent}' runs ${value.getBoundingClientRect().right - inner} px past the panel's padding`);
            }
            """);
        Assert.Empty(overflows);

        await ann.Locator("#status").ScreenshotAsync(new LocatorScreenshotOptions { Path = ScreenshotPath("demo-status-narrow.png") });

        // After Disconnect the panel shows no values of a connection that is gone.
        await ann.ClickAsync("#status .disconnect");
        await Expect(LogLine(ann, "status", "closed: 1000")).ToHaveCSSAsync("color", Grey);
        await Expect(ann.Locator("#status .latest > *")).ToHaveCountAsync(0);

        Assert.Equal("", _demo.Errors);
    }

    [Fact]
    public async Task Connect_ClickedTwice_OpensOneConnection_ThatDisconnectCloses()
    {
        var page = await _browser.OpenAsync(_demo.Address);

        // Two clicks before the handshake completes, as a quick double click gives.
        await page.Locator("#echo .connect").EvaluateAsync("button => { button.click(); button.click(); }");
        await Expect(page.Locator("#echo .state")).ToHaveTextAsync("open");
        await page.ClickAsync("#echo .disconnect");
        await Expect(LogLine(page, "echo", "closed: 1000")).ToHaveCSSAsync("color", Grey);
        await Expect(page.Locator("#echo .connect")).ToBeEnabledAsync();

        // The server's own count: once the echo connection is gone, the status connection is the only one.
        await page.ClickAsync("#status .connect");
        await Expect(StatusLine(page, 1, 0).First).ToBeAttachedAsync();
        Assert.Equal(1, await page.Locator("#echo .log li").Filter(new LocatorFilterOptions { HasTextString = "connected to" }).CountAsync());

        Assert.Equal("", _demo.Errors);
    }

    [Fact]
    public async Task TwoPages_ShareATaskBoard_ThroughTheGeneratedTypedClient()
    {
        var ann = await _browser.OpenAsync(_demo.Address);
        var bob = await _browser.OpenAsync(_demo.Address);

        await OpenBoardAsync(ann, "ann");
        await WaitForLogAsync(ann, "board", "server asked who you are on browser-board");
        await WaitForLogAsync(ann, "board", "ann opened the board (1 here)");
        await WaitForLogAsync(ann, "board", "board browser-board: 0 tasks");
        await OpenBoardAsync(bob, "bob");
        await WaitForLogAsync(bob, "board", "board browser-board: 0 tasks");
        await WaitForLogAsync(ann, "board", "bob opened the board (2 here)");

        // A command from one page reaches the other as a typed event, and its task lands in the column.
        await ann.FillAsync("#board [name=title]", "write docs");
        await ann.ClickAsync("#board form.add button");
        await WaitForLogAsync(bob, "board", "ann added \"write docs\"");
        await Expect(bob.Locator("#board [data-column=todo] li span")).ToHaveTextAsync("write docs");
        await bob.ClickAsync("#board [data-column=todo] li button[title='Move to doing']");
        await WaitForLogAsync(ann, "board", "bob moved \"write docs\" to doing");
        await Expect(ann.Locator("#board [data-column=doing] li span")).ToHaveTextAsync("write docs");
        await Expect(ann.Locator("#board [data-column=todo] li")).ToHaveCountAsync(0);

        // A command the contract's validation refuses comes back as an error envelope; the connection stays open.
        await ann.FillAsync("#board [name=title]", new string('x', 81));
        await ann.ClickAsync("#board form.add button");
        await Expect(ann.Locator("#board .log li").Filter(new LocatorFilterOptions { HasTextString = "error: The 'add' message is invalid." })).ToHaveCountAsync(1);
        await Expect(ann.Locator("#board .state")).ToHaveTextAsync("open");

        // The page loaded the generated module the server serves, not a copy of its own.
        string[] loaded = await ann.EvaluateAsync<string[]>("() => performance.getEntriesByType('resource').map(entry => new URL(entry.name).pathname)");
        Assert.Contains("/velithon/TaskBoardSocket.js", loaded);
        await SaveScreenshotAsync(ann, "demo-board.png");

        await ann.ClickAsync("#board .disconnect");
        await Expect(LogLine(ann, "board", "closed: 1000")).ToHaveCSSAsync("color", Grey);
        await Expect(ann.Locator("#board .state")).ToHaveTextAsync("closed");
        await Expect(ann.Locator("#board .connect")).ToBeEnabledAsync();

        Assert.Equal("", _demo.Errors);
    }

    private async Task OpenBoardAsync(IPage page, string name)
    {
        await page.FillAsync("#board [name=board]", "browser-board");
        await page.FillAsync("#board [name=name]", name);
        await page.ClickAsync("#board .connect");
        await Expect(page.Locator("#board .state")).ToHaveTextAsync("open");
        await WaitForLogAsync(page, "board", $"connected to {_demo.WebSocketUrl("/board/browser-board")}");
    }

    private static string ScreenshotPath(string name) => Path.Combine(ExternalProcess.RepositoryRoot, "artifacts", "screenshots", name);

    private async Task SaveScreenshotAsync(IPage page, string name)
    {
        string path = ScreenshotPath(name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        Assert.True(new FileInfo(path).Length > 10_000, "The screenshot is suspiciously small.");
        output.WriteLine($"Screenshot: {path}");
    }

    private static ILocator LogLine(IPage page, string panel, string line) =>
        page.Locator($"#{panel} .log li").Filter(new LocatorFilterOptions { HasTextRegex = new Regex($"^{Regex.Escape(line)}$") }).First;

    private static ILocator StatusLine(IPage page, int connections, int rooms) =>
        page.Locator("#status .log li").Filter(new LocatorFilterOptions { HasTextRegex = new Regex($@"^← #\d+: {connections} connections, {rooms} rooms$") });

    private static Task WaitForLogAsync(IPage page, string panel, string line) => Expect(LogLine(page, panel, line)).ToBeAttachedAsync();

    private static async Task JoinAsync(IPage page, string name, string room)
    {
        await page.FillAsync("#chat [name=name]", name);
        await page.FillAsync("#chat [name=room]", room);
        await page.ClickAsync("#chat .connect");
        await Expect(page.Locator("#chat .state")).ToHaveTextAsync("open");
    }

    private static async Task SendAsync(IPage page, string panel, string message)
    {
        await page.FillAsync($"#{panel} [name=message]", message);
        await page.ClickAsync($"#{panel} form.send button");
    }
}
