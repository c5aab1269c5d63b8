using Velithon.Runtime.Tests;
using Xunit.Abstractions;

namespace Velithon.Demo.Tests;

/// <summary>
/// A person's view of the demo: two headless Chromium tabs open the page, chat in the same room, and use the
/// other panels. Each step asserts what the page shows. The last screen is kept in artifacts/screenshots.
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private DemoProcess _demo = null!;
    private Chromium _browser = null!;

    public async Task InitializeAsync()
    {
        _demo = await DemoProcess.StartAsync();
        _browser = await Chromium.StartAsync();
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
        await ann.WaitForLogAsync("chat", "you are ann in browser-room (1 here)");
        await JoinAsync(bob, "bob", "browser-room");
        await bob.WaitForLogAsync("chat", "you are bob in browser-room (2 here)");
        await ann.WaitForLogAsync("chat", "bob joined (2 here)");

        await SendAsync(ann, "chat", "hello from ann");
        await bob.WaitForLogAsync("chat", "ann: hello from ann");
        await ann.WaitForLogAsync("chat", "ann: hello from ann");
        await SendAsync(bob, "chat", "hi ann");
        await ann.WaitForLogAsync("chat", "bob: hi ann");

        await bob.ClickAsync("#chat .disconnect");
        await bob.WaitForLogAsync("chat", "closed: 1000"); // the server answers the page's close with the same code
        await ann.WaitForLogAsync("chat", "bob left (1 here)");
        Assert.Equal(
            ["→ hello from ann", "ann: hello from ann", "bob: hi ann", "bob left (1 here)"],
            (await ann.LogAsync("chat")).SkipWhile(line => !line.StartsWith('→')).ToArray());

        await ann.ClickAsync("#echo .connect");
        await ann.WaitForAsync("document.querySelector('#echo .state').textContent === 'open'");
        await SendAsync(ann, "echo", "ping");
        await ann.WaitForLogAsync("echo", "← Echo: ping");

        await ann.ClickAsync("#token .connect");
        await ann.WaitForLogAsync("token", "closed: 1008 Missing token");
        await ann.FillAsync("#token [name=token]", "letmein");
        await ann.ClickAsync("#token .connect");
        await ann.WaitForLogAsync("token", "← Authenticated with token letmein");

        await ann.ClickAsync("#status .connect");
        await ann.WaitForAsync("[...document.querySelectorAll('#status .latest dt')].some(term => term.textContent === 'sequence')");
        // Ann's page holds four connections now (chat, echo, token, status) and her room is the only one; a
        // status message a second shows it once the server has let go of the connections that ended.
        await ann.WaitForAsync("[...document.querySelectorAll('#status .log li')].some(item => /^← #\\d+: 4 connections, 1 rooms$/.test(item.textContent))");

        string screenshot = Path.Combine(ExternalProcess.RepositoryRoot, "artifacts", "screenshots", "demo-chat.png");
        await ann.SaveScreenshotAsync(screenshot);
        Assert.True(new FileInfo(screenshot).Length > 10_000, "The screenshot is suspiciously small.");
        output.WriteLine($"Screenshot: {screenshot}");
        Assert.Equal("", _demo.Errors);
    }

    private static async Task JoinAsync(BrowserPage page, string name, string room)
    {
        await page.FillAsync("#chat [name=name]", name);
        await page.FillAsync("#chat [name=room]", room);
        await page.ClickAsync("#chat .connect");
        await page.WaitForAsync("document.querySelector('#chat .state').textContent === 'open'");
    }

    private static async Task SendAsync(BrowserPage page, string panel, string message)
    {
        await page.FillAsync($"#{panel} [name=message]", message);
        await page.ClickAsync($"#{panel} form.send button");
    }
}
