using System.IO.Compression;
using System.Net.WebSockets;
using System.Xml.Linq;
using Velithon.Runtime.Tests;
using Xunit.Abstractions;

namespace Velithon.Demo.Tests;

/// <summary>
/// The packages as a user gets them: packed into a local folder feed, installed into a web app made from
/// nothing but that feed and the SDK, with one PackageReference; the generator runs from the package, its
/// diagnostics fail a wrong declaration, and the app serves a WebSocket.
/// </summary>
[Trait("Category", CleanBuildCollection.Category)]
[Collection(CleanBuildCollection.Name)]
public sealed class PackageTests(ITestOutputHelper output) : IDisposable
{
    private const string Version = "0.1.0";

    private readonly string _work = Directory.CreateTempSubdirectory("velithon-package-").FullName;

    [Fact]
    public async Task Packages_InstallIntoAFreshApp_ThatBuildsAndServes()
    {
        string repository = DotNet.CopyRepository();
        string feed = Path.Combine(_work, "feed");
        try
        {
            foreach (string project in new[] { "Velithon.Runtime", "Velithon.Redis", "Velithon.Testing" })
            {
                await DotNet.RunOrFailAsync(repository, null, "pack", $"src/{project}", "-c", "Release", "-o", feed, "--nologo");
            }
        }
        finally
        {
            Directory.Delete(repository, recursive: true);
        }

        AssertMainPackageLayout(Path.Combine(feed, $"Velithon.{Version}.nupkg"));
        AssertMetadata(Path.Combine(feed, $"Velithon.Redis.{Version}.nupkg"), "Velithon.Redis", dependsOn: ["Velithon", "StackExchange.Redis"]);
        AssertMetadata(Path.Combine(feed, $"Velithon.Testing.{Version}.nupkg"), "Velithon.Testing", dependsOn: ["Velithon", "Microsoft.AspNetCore.TestHost"]);

        // Only the local feed, and a package folder of its own: nothing can come from anywhere else.
        string app = Path.Combine(_work, "app");
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work, "packages") };
        await DotNet.RunOrFailAsync(_work, environment, "new", "web", "-o", app, "--no-restore");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await DotNet.RunOrFailAsync(app, environment, "add", "package", "Velithon", "--version", Version);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using Velithon;

            var builder = WebApplication.CreateSlimBuilder(args);
            builder.Services.AddVelithon();
            var app = builder.Build();
            app.MapVelithon();
            app.Run();

            public static class Greeter
            {
                [WebSocket("/hello/<name>")]
                public static async Task Hello(WebSocket ws, string name, [Microsoft.AspNetCore.Mvc.FromQuery] int times = 1)
                {
                    await ws.AcceptAsync();
                    await ws.SendTextAsync(string.Concat(Enumerable.Repeat($"hello {name} ", times)).Trim());
                    await foreach (var message in ws.ReceiveTextMessagesAsync())
                    {
                        await ws.SendTextAsync(message.ToUpperInvariant());
                    }
                }
            }

            [WebSocket("/count/<int:start>")]
            public sealed class Counter(int start) : WebSocketEndpoint
            {
                private int _next = start;

                public override ValueTask OnReceiveAsync(WebSocket ws, string data) => ws.SendTextAsync((_next++).ToString());
            }
            """);
        // The getting-started case: both usings in one file. The package's global using aliases make WebSocket
        // and WebSocketState Velithon's; the rest of System.Net.WebSockets keeps its names.
        await File.WriteAllTextAsync(Path.Combine(app, "BothNamespaces.cs"), """
            using System.Net.WebSockets;
            using Velithon;

            public static class StateReport
            {
                [WebSocket("/state")]
                public static async Task Report(WebSocket ws)
                {
                    WebSocketState before = ws.ApplicationState;
                    await ws.AcceptAsync();
                    await ws.SendTextAsync($"{before} {ws.ApplicationState} {WebSocketCloseStatus.NormalClosure}");
                }
            }
            """);
        await DotNet.RunOrFailAsync(app, environment, "build", "-c", "Release", "--nologo");

        string assembly = Path.Combine(app, "bin", "Release", "net10.0", "app.dll");
        await using (var server = await DemoProcess.StartAsync("dotnet", [assembly]))
        {
            using var hello = await Client.ConnectAsync(server.WebSocketUrl("/hello/ada?times=2"));
            Assert.Equal("hello ada hello ada", await hello.ReceiveTextAsync());
            await hello.SendTextAsync("shout");
            Assert.Equal("SHOUT", await hello.ReceiveTextAsync());
            await hello.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

            using var counter = await Client.ConnectAsync(server.WebSocketUrl("/count/41"));
            await counter.SendTextAsync("next");
            Assert.Equal("41", await counter.ReceiveTextAsync());
            await counter.SendTextAsync("next");
            Assert.Equal("42", await counter.ReceiveTextAsync());
            await counter.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

            using var state = await Client.ConnectAsync(server.WebSocketUrl("/state"));
            Assert.Equal("Connecting Connected NormalClosure", await state.ReceiveTextAsync());
        }

        // The analyzer came with the package too: a parameter that matches nothing is a compile error.
        await File.WriteAllTextAsync(Path.Combine(app, "Broken.cs"), """
            public static class Broken
            {
                [Velithon.WebSocket("/rooms/<room>")]
                public static System.Threading.Tasks.Task Join(Velithon.WebSocket ws, string roomName) => ws.AcceptAsync();
            }
            """);
        var (exitCode, buildOutput) = await DotNet.RunAsync(app, environment, "build", "-c", "Release", "--nologo", "--no-restore");
        output.WriteLine(buildOutput);
        Assert.NotEqual(0, exitCode);
        Assert.Matches(@"Broken\.cs\(4,\d+\): error VLT\d{4}: .*roomName", buildOutput);

        // With the aliases turned off, as docs/getting-started.md says, the two usings clash again.
        File.Delete(Path.Combine(app, "Broken.cs"));
        (exitCode, buildOutput) = await DotNet.RunAsync(app, environment, "build", "-c", "Release", "--nologo", "--no-restore", "-p:VelithonUsingAliases=false");
        output.WriteLine(buildOutput);
        Assert.NotEqual(0, exitCode);
        Assert.Matches(@"BothNamespaces\.cs\(\d+,\d+\): error CS0104: 'WebSocket' is an ambiguous reference", buildOutput);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static void AssertMainPackageLayout(string package)
    {
        using var archive = ZipFile.OpenRead(package);
        var entries = archive.Entries.Select(entry => entry.FullName).ToHashSet();
        Assert.Contains("lib/net10.0/Velithon.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/Velithon.Abstractions.dll", entries);
        Assert.Contains("lib/net10.0/Velithon.Abstractions.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/Velithon.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Velithon.CodeFixes.dll", entries);
        Assert.DoesNotContain(entries, entry => entry.StartsWith("lib/", StringComparison.Ordinal) && entry.Contains("Generators", StringComparison.Ordinal));

        // Everything is inside: the main package depends on no other package.
        var metadata = AssertMetadata(package, "Velithon", dependsOn: []);
        Assert.Contains("source-generator", metadata.Element(metadata.Name.Namespace + "tags")!.Value, StringComparison.Ordinal);
    }

    private static XElement AssertMetadata(string package, string id, string[] dependsOn)
    {
        using var archive = ZipFile.OpenRead(package);
        using var nuspec = archive.GetEntry($"{id}.nuspec")!.Open();
        var metadata = XDocument.Load(nuspec).Root!.Elements().Single(element => element.Name.LocalName == "metadata");
        string Value(string name) => metadata.Element(metadata.Name.Namespace + name)?.Value ?? "";

        Assert.Equal(id, Value("id"));
        Assert.Equal(Version, Value("version"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.Equal(RepositoryLinks.RepositoryUrl, metadata.Element(metadata.Name.Namespace + "repository")!.Attribute("url")!.Value);
        using (var readme = new StreamReader(archive.GetEntry("README.md")!.Open()))
        {
            RepositoryLinks.AssertAbsolute(readme.ReadToEnd());
        }

        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        Assert.False(string.IsNullOrWhiteSpace(Value("tags")));
        Assert.False(string.IsNullOrWhiteSpace(Value("projectUrl")));

        var dependencies = metadata.Descendants(metadata.Name.Namespace + "dependency").Select(dependency => dependency.Attribute("id")!.Value);
        Assert.Equal(dependsOn.Order(), dependencies.Order());
        return metadata;
    }
}
