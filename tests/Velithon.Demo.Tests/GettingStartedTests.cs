using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Velithon.Runtime.Tests;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Velithon.Demo.Tests;

/// <summary>
/// docs/getting-started.md followed as written, by a new user with a local package folder: the shell lines of
/// its "Using a local package folder" and "A first handler" sections run in order (the clone is a copy of this
/// repository), its nuget.config and Program.cs go where it says, and each time the app runs, its browser
/// snippet runs in headless Chromium on the page the docs say to open, at every address the app prints.
/// </summary>
[Trait("Category", CleanBuildCollection.Category)]
[Collection(CleanBuildCollection.Name)]
public sealed partial class GettingStartedTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Sections = ["Using a local package folder", "A first handler"];

    private readonly string _work = Directory.CreateTempSubdirectory("velithon-getting-started-").FullName;
    private HeadlessChromium _browser = null!;

    [GeneratedRegex(@"^```(?<language>\w*)\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"logs ""(?<text>[^""]+)""")]
    private static partial Regex LoggedText();

    public async Task InitializeAsync() => _browser = await HeadlessChromium.StartAsync();

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Steps_AsWritten_EchoInTheBrowserConsole_OverHttpAndHttps()
    {
        // The packages the app installs come from the local folder and land in a cache of this test's own, so
        // nothing packed by an earlier run can stand in for them.
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work, "nuget-cache") };
        string directory = _work;
        string? nugetConfig = null;
        string? snippet = null;
        DemoProcess? app = null;
        bool appTried = false;
        var checkedAddresses = new List<Uri>();
        try
        {
            foreach (var (language, code) in Blocks())
            {
                switch (language)
                {
                    case "xml" when code.Contains("<packageSources>", StringComparison.Ordinal):
                        nugetConfig = code;
                        break;
                    case "csharp" when code.Contains("app.Run();", StringComparison.Ordinal):
                        await File.WriteAllTextAsync(Path.Combine(directory, "Program.cs"), code);
                        break;
                    case "js":
                        snippet = code;
                        Assert.NotNull(app);
                        checkedAddresses.AddRange(await TrySnippetAsync(app, snippet));
                        appTried = true;
                        break;
                    case "bash":
                        foreach (string line in code.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        {
                            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                            if (line.StartsWith("git clone ", StringComparison.Ordinal))
                            {
                                // No network here: the clone is a copy of this repository's sources.
                                Directory.Move(DotNet.CopyRepository(), Path.Combine(directory, words[2].Split('/')[^1]));
                            }
                            else if (words[0] == "cd")
                            {
                                directory = Path.Combine(directory, words[1]);
                            }
                            else if (line.StartsWith("dotnet run", StringComparison.Ordinal))
                            {
                                // "paste the same snippet": a run that the docs follow with no snippet of its own gets the last one.
                                if (app is not null)
                                {
                                    if (!appTried)
                                    {
                                        checkedAddresses.AddRange(await TrySnippetAsync(app, snippet!));
                                    }

                                    await app.DisposeAsync();
                                    app = null;
                                }

                                app = await DemoProcess.StartInAsync(directory, "dotnet", words[1..], DotNet.Variables(environment), TimeSpan.FromMinutes(5));
                                appTried = false;
                                output.WriteLine($"{line}: listening on {string.Join(", ", app.Addresses)}");
                            }
                            else if (words[0] == "dotnet")
                            {
                                if (line.StartsWith("dotnet add package", StringComparison.Ordinal))
                                {
                                    Assert.NotNull(nugetConfig);
                                    await File.WriteAllTextAsync(Path.Combine(directory, "nuget.config"), nugetConfig);
                                }

                                output.WriteLine(await DotNet.RunOrFailAsync(directory, environment, words[1..]));
                            }
                            else
                            {
                                Assert.Fail($"The docs ask for a step this test cannot take: {line}");
                            }
                        }

                        break;
                }
            }

            Assert.NotNull(app);
            if (!appTried)
            {
                checkedAddresses.AddRange(await TrySnippetAsync(app, snippet!));
            }
        }
        finally
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        // The template's two profiles: http, then https with http beside it.
        Assert.Equal(["http", "https", "http"], checkedAddresses.Select(address => address.Scheme));
    }

    // Opens each address the app printed, as the docs say, and pastes the snippet into that page's console.
    private async Task<IEnumerable<Uri>> TrySnippetAsync(DemoProcess app, string snippet)
    {
        string expected = LoggedText().Match(snippet).Groups["text"].Value;
        Assert.NotEqual("", expected);
        foreach (var address in app.Addresses)
        {
            var page = await _browser.OpenAsync(address, acceptAnyCertificate: true);
            await Expect(page.Locator("body")).ToHaveTextAsync("Hello World!");
            var message = await page.RunAndWaitForConsoleMessageAsync(
                () => page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = snippet }),
                new PageRunAndWaitForConsoleMessageOptions { Predicate = message => message.Text == expected, Timeout = 30_000 });
            output.WriteLine($"{address}: the console shows \"{message.Text}\"");
            await page.Context.CloseAsync();
        }

        return app.Addresses;
    }

    // The fenced blocks of the sections a new user follows, in order.
    private static IEnumerable<(string Language, string Code)> Blocks()
    {
        string page = File.ReadAllText(Path.Combine(ExternalProcess.RepositoryRoot, "docs", "getting-started.md")).ReplaceLineEndings("\n");
        foreach (string section in Sections)
        {
            int start = page.IndexOf($"\n## {section}\n", StringComparison.Ordinal);
            Assert.True(start >= 0, $"docs/getting-started.md has no section '{section}'.");
            int end = page.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
            foreach (Match block in FencedBlock().Matches(page[start..(end < 0 ? page.Length : end)]))
            {
                yield return (block.Groups["language"].Value, block.Groups["code"].Value);
            }
        }
    }
}
