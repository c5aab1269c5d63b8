using Microsoft.Playwright;

namespace Velithon.Demo.Tests;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>), headless, driven by Microsoft.Playwright: the package's own
/// browser download (<c>playwright install</c>) is never used. One browser process; each page gets a context
/// of its own, as two people on two machines would.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private const string Executable = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    static HeadlessChromium()
    {
        // Playwright's default of 5 s is short for a loaded 2-core machine; a wait that fails still says what it waited for.
        Assertions.SetDefaultExpectTimeout(30_000);
    }

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<HeadlessChromium> StartAsync()
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: apt-get install chromium (scripts/test.sh does).");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Executable,
                Headless = true,
                Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens <paramref name="url"/> in a new desktop-sized page (so a screenshot shows every panel) and waits
    /// for it to load. <paramref name="acceptAnyCertificate"/> lets it open an https address served with a
    /// development certificate this machine does not trust.
    /// </summary>
    public async Task<IPage> OpenAsync(Uri url, bool acceptAnyCertificate = false)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1400, Height = 1100 },
            IgnoreHTTPSErrors = acceptAnyCertificate,
        });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(url.ToString());
        Assert.True(response is { Ok: true }, $"{url} answered {response?.Status}.");
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
