using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Velithon.Demo.Tests;

/// <summary>
/// Headless Chromium (the system's <c>/usr/bin/chromium</c>, nothing downloaded) driven over the DevTools
/// protocol: one browser process, one tab per <see cref="BrowserPage"/>.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    private const string Executable = "/usr/bin/chromium";
    // Longer than BrowserPage.WaitTimeout, so a wait that fails reports its condition rather than a timeout.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _devTools;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Task _receiving;
    private int _nextId;

    private Chromium(Process process, string profile, ClientWebSocket devTools)
    {
        _process = process;
        _profile = profile;
        _devTools = devTools;
        _receiving = ReceiveLoopAsync();
    }

    public static async Task<Chromium> StartAsync()
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: apt-get install chromium (scripts/test.sh does).");
        string profile = Directory.CreateTempSubdirectory("velithon-chromium-").FullName;
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                $"--user-data-dir={profile}", "about:blank",
            },
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start.");
        try
        {
            Uri endpoint = await WaitForDevToolsEndpointAsync(process);
            var devTools = new ClientWebSocket();
            using var timeout = new CancellationTokenSource(CommandTimeout);
            await devTools.ConnectAsync(endpoint, timeout.Token);
            return new Chromium(process, profile, devTools);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    /// <summary>Opens a new tab at <paramref name="url"/> and waits until its document has loaded.</summary>
    public async Task<BrowserPage> OpenAsync(Uri url)
    {
        var target = await SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        var attached = await SendAsync("Target.attachToTarget", new JsonObject
        {
            ["targetId"] = target.GetProperty("targetId").GetString(),
            ["flatten"] = true,
        });
        var page = new BrowserPage(this, attached.GetProperty("sessionId").GetString()!);
        await SendAsync("Page.enable", new JsonObject(), page.SessionId);
        // A desktop-sized window, so the screenshot shows every panel of the page.
        await SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject
        {
            ["width"] = 1400,
            ["height"] = 1100,
            ["deviceScaleFactor"] = 1,
            ["mobile"] = false,
        }, page.SessionId);
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() }, page.SessionId);
        await page.WaitForAsync($"location.href === {JsonSerializer.Serialize(url.ToString())} && document.readyState === 'complete'");
        return page;
    }

    internal async Task<JsonElement> SendAsync(string method, JsonObject parameters, string? sessionId = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var command = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (sessionId is not null)
        {
            command["sessionId"] = sessionId;
        }

        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        await _sendLock.WaitAsync();
        try
        {
            await _devTools.SendAsync(Encoding.UTF8.GetBytes(command.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }

        return await reply.Task.WaitAsync(CommandTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        _devTools.Abort();
        _devTools.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(CommandTimeout);
        _process.Dispose();
        await _receiving.WaitAsync(CommandTimeout);
        Directory.Delete(_profile, recursive: true);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _devTools.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                using (var document = JsonDocument.Parse(message.GetBuffer().AsMemory(0, (int)message.Length)))
                {
                    Dispatch(document.RootElement);
                }

                message.SetLength(0);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The browser went away (or the test disposed it): pending commands fail below.
        }

        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new InvalidOperationException("The browser closed the DevTools connection."));
        }
    }

    // Events (messages without an id) are not needed: pages are observed by evaluating expressions.
    private void Dispatch(JsonElement message)
    {
        if (!message.TryGetProperty("id", out var id) || !_pending.TryRemove(id.GetInt32(), out var reply))
        {
            return;
        }

        if (message.TryGetProperty("error", out var error))
        {
            reply.TrySetException(new InvalidOperationException($"DevTools error: {error.GetRawText()}"));
        }
        else
        {
            reply.TrySetResult(message.GetProperty("result").Clone());
        }
    }

    private static async Task<Uri> WaitForDevToolsEndpointAsync(Process process)
    {
        const string Marker = "DevTools listening on ";
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            int index = line.IndexOf(Marker, StringComparison.Ordinal);
            if (index >= 0)
            {
                // Keep draining the browser's log so it never blocks on a full pipe.
                _ = process.StandardError.ReadToEndAsync();
                return new Uri(line[(index + Marker.Length)..].Trim());
            }
        }

        throw new InvalidOperationException("chromium exited before opening the DevTools endpoint.");
    }
}

/// <summary>One tab: evaluate script in it, wait for a condition, take a screenshot.</summary>
public sealed class BrowserPage
{
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(30);
    private readonly Chromium _browser;

    internal BrowserPage(Chromium browser, string sessionId)
    {
        _browser = browser;
        SessionId = sessionId;
    }

    internal string SessionId { get; }

    /// <summary>Evaluates <paramref name="expression"/> in the page (awaiting it if it is a promise) and returns its JSON value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await _browser.SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["awaitPromise"] = true,
            ["returnByValue"] = true,
        }, SessionId);
        if (result.TryGetProperty("exceptionDetails", out var exception))
        {
            throw new InvalidOperationException($"Script failed: {expression}\n{exception.GetRawText()}");
        }

        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>Waits until <paramref name="condition"/> is true in the page, checking after each animation frame.</summary>
    public async Task WaitForAsync(string condition)
    {
        // The waiting happens inside the page, so the test sees the first frame in which the condition holds.
        string script = $$"""
            new Promise(resolve => {
              const deadline = performance.now() + {{WaitTimeout.TotalMilliseconds}};
              const check = () => {
                let met = false;
                try { met = Boolean({{condition}}); } catch { }
                if (met || performance.now() > deadline) resolve(met); else setTimeout(check, 20);
              };
              check();
            })
            """;
        var met = await EvaluateAsync(script);
        Assert.True(met.ValueKind == JsonValueKind.True, $"The page never showed: {condition}");
    }

    /// <summary>The text lines of the log list in the panel with id <paramref name="panel"/>.</summary>
    public async Task<string[]> LogAsync(string panel)
    {
        var lines = await EvaluateAsync($"[...document.querySelectorAll('#{panel} .log li')].map(item => item.textContent)");
        return lines.EnumerateArray().Select(line => line.GetString()!).ToArray();
    }

    public Task WaitForLogAsync(string panel, string line) =>
        WaitForAsync($"[...document.querySelectorAll('#{panel} .log li')].some(item => item.textContent === {JsonSerializer.Serialize(line)})");

    public Task FillAsync(string selector, string value) =>
        EvaluateAsync($"document.querySelector({JsonSerializer.Serialize(selector)}).value = {JsonSerializer.Serialize(value)}");

    public Task ClickAsync(string selector) =>
        EvaluateAsync($"document.querySelector({JsonSerializer.Serialize(selector)}).click()");

    public async Task SaveScreenshotAsync(string path)
    {
        var shot = await _browser.SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }, SessionId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot.GetProperty("data").GetString()!));
    }
}
