using System.IO.Compression;
using System.Net.WebSockets;
using System.Text.Json;
using System.Xml.Linq;
using Velithon.Runtime.Tests;
using Xunit.Abstractions;

namespace Velithon.Demo.Tests;

/// <summary>
/// The packages as a user gets them: packed into a local folder feed (once, by <see cref="PackageFeed"/>), installed
/// into a web app made from nothing but that feed and the SDK, with one PackageReference; the generator runs from
/// the package, its diagnostics fail a wrong declaration, its code fix repairs one, and the app serves a WebSocket.
/// </summary>
[Trait("Category", CleanBuildCollection.Category)]
[Collection(CleanBuildCollection.Name)]
public sealed class PackageTests(PackageFeed packages, ITestOutputHelper output) : IClassFixture<PackageFeed>
{
    private const string Version = PackageFeed.Version;

    [Fact]
    public async Task Packages_InstallIntoAFreshApp_ThatBuildsAndServes()
    {
        string feed = packages.Feed;
        AssertMainPackageLayout(Path.Combine(feed, $"Velithon.{Version}.nupkg"));
        AssertMetadata(Path.Combine(feed, $"Velithon.Redis.{Version}.nupkg"), "Velithon.Redis", dependsOn: ["Velithon", "StackExchange.Redis"]);
        AssertMetadata(Path.Combine(feed, $"Velithon.Testing.{Version}.nupkg"), "Velithon.Testing", dependsOn: ["Velithon", "Microsoft.AspNetCore.TestHost", "Microsoft.Extensions.TimeProvider.Testing"]);

        // Only the local feed, and a package folder of its own: nothing can come from anywhere else.
        string app = await packages.CreateAppAsync("app");
        var environment = packages.Environment;
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

        // With the aliases turned off, as docs/getting-started.md says, the two usings clash again. (The package's
        // analyzer failing a build, and its code fix, are the next test's.)
        var (exitCode, buildOutput) = await DotNet.RunAsync(app, environment, "build", "-c", "Release", "--nologo", "--no-restore", "-p:VelithonUsingAliases=false");
        output.WriteLine(buildOutput);
        Assert.NotEqual(0, exitCode);
        Assert.Matches(@"BothNamespaces\.cs\(\d+,\d+\): error CS0104: 'WebSocket' is an ambiguous reference", buildOutput);
    }

    [Fact]
    public async Task PackagesAnalyzer_FailsTheBuildWithVLT0023_AndPackagesCodeFix_RepairsIt()
    {
        string app = await packages.CreateAppAsync("codefix");
        var environment = packages.Environment;
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using Velithon;

            var builder = WebApplication.CreateSlimBuilder(args);
            builder.Services.AddVelithon();
            var app = builder.Build();
            app.MapVelithon();
            app.Run();
            """);
        const string rooms = """
            using System.Threading.Tasks;
            using Velithon;

            public static class Rooms
            {
                [WebSocket("/rooms/<room_id>")]
                public static Task Join(WebSocket ws, string roomId) => ws.AcceptAsync();
            }

            """;
        string roomsPath = Path.Combine(app, "Rooms.cs");
        await File.WriteAllTextAsync(roomsPath, rooms);

        // The compiler's only Velithon analyzers are the installed package's.
        string analyzers = Path.Combine(packages.InstalledVelithon, "analyzers", "dotnet", "cs");
        string items = await DotNet.RunOrFailAsync(app, environment, "msbuild", "-nologo", "-p:Configuration=Release", "-t:ResolveLockFileAnalyzers", "-getItem:Analyzer");
        var velithonAnalyzers = JsonDocument.Parse(items[items.IndexOf('{', StringComparison.Ordinal)..]).RootElement
            .GetProperty("Items").GetProperty("Analyzer").EnumerateArray()
            .Select(item => item.GetProperty("FullPath").GetString()!)
            .Where(path => Path.GetFileName(path).StartsWith("Velithon", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        Assert.Equal([Path.Combine(analyzers, "Velithon.CodeFixes.dll"), Path.Combine(analyzers, "Velithon.Generators.dll")], velithonAnalyzers);

        // An editor's view: the package's analyzer reports VLT0023 at the route parameter, and the package's code fix
        // renames it to the method parameter's name.
        var (diagnostic, fixedRooms) = await new PackageCodeFix(packages.InstalledVelithon).FixAsync("Rooms.cs", rooms, "VLT0023", "RenameRouteParameter");
        var start = diagnostic.Location.GetLineSpan().StartLinePosition;
        Assert.Equal((5, 23), (start.Line, start.Character));
        Assert.Equal(rooms.Replace("<room_id>", "<roomId>", StringComparison.Ordinal), fixedRooms);

        // The build reports the same diagnostic at the same place, and fails.
        var (exitCode, buildOutput) = await DotNet.RunAsync(app, environment, "build", "-c", "Release", "--nologo", "--no-restore");
        output.WriteLine(buildOutput);
        Assert.NotEqual(0, exitCode);
        Assert.Matches($@"Rooms\.cs\({start.Line + 1},{start.Character + 1}\): error VLT0023: The route parameter 'room_id' matches no parameter of Rooms\.Join", buildOutput);

        // With the fix written back, the app builds, without the diagnostic.
        await File.WriteAllTextAsync(roomsPath, fixedRooms);
        (exitCode, buildOutput) = await DotNet.RunAsync(app, environment, "build", "-c", "Release", "--nologo", "--no-restore");
        output.WriteLine(buildOutput);
        Assert.True(exitCode == 0, buildOutput);
        Assert.DoesNotContain("VLT0023", buildOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackagesTargets_WriteTheAsyncApiDocumentAndClients_AndFailABreakingChangeUntilItIsAccepted()
    {
        string app = await packages.CreateAppAsync("asyncapi");
        var environment = packages.Environment;
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using Velithon;

            var builder = WebApplication.CreateSlimBuilder(args);
            builder.Services.AddVelithon();
            var app = builder.Build();
            app.MapVelithon();
            app.MapAsyncApi();
            app.MapVelithonClients();
            app.Run();

            // The typed C# client generated beside the contract's socket, from the package's Velithon.Client.
            static Task Client(Uri server) => new NoteSocketClient().ConnectNotesAsync(server, 7);
            """);
        const string notes = """
            using System.ComponentModel.DataAnnotations;
            using System.Text.Json;
            using System.Text.Json.Serialization;
            using Velithon;

            [JsonDerivedType(typeof(AddNote), "add-note")]
            public abstract record NoteCommand;
            public sealed record AddNote([property: Required, StringLength(80)] string Text) : NoteCommand;

            [JsonDerivedType(typeof(NoteAdded), "note-added")]
            public abstract record NoteEvent;
            public sealed record NoteAdded(int Id, string Text) : NoteEvent;

            [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
            [JsonSerializable(typeof(AddNote))]
            [JsonSerializable(typeof(NoteAdded))]
            internal sealed partial class NoteJson : JsonSerializerContext;

            [WebSocketContract(typeof(NoteCommand), typeof(NoteEvent), typeof(NoteJson))]
            public sealed partial class NoteSocket;

            public static class Notes
            {
                [WebSocket("/notes/<int:board>")]
                public static Task Connect(NoteSocket socket, int board) => socket.DispatchMessagesAsync();

                [OnMessage]
                public static ValueTask OnAdd(NoteSocket socket, AddNote add) => socket.SendAsync(new NoteAdded(1, add.Text));
            }

            """;
        string notesPath = Path.Combine(app, "Notes.cs");
        await File.WriteAllTextAsync(notesPath, notes);

        // Every build writes the document to the output folder; the first accepted build creates the approved copy.
        string approved = Path.Combine(app, "asyncapi.approved.json");
        string built = Path.Combine(app, "bin", "Release", "net10.0", "asyncapi.json");
        string log = await DotNet.RunOrFailAsync(app, environment, "build", "-c", "Release", "--nologo", "-p:VelithonAcceptAsyncApi=true");
        Assert.Contains("Velithon: accepted the AsyncAPI document as " + approved, log, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllTextAsync(built), await File.ReadAllTextAsync(approved));

        // The same build step writes the contract's TypeScript client beside it.
        string module = await File.ReadAllTextAsync(Path.Combine(app, "bin", "Release", "net10.0", "velithon", "NoteSocket.js"));
        Assert.Contains("export function connectNotes(baseUrl, values = {}, options = {})", module, StringComparison.Ordinal);
        Assert.Contains("export declare function connectNotes(baseUrl: string | URL, values: NotesValues", await File.ReadAllTextAsync(Path.Combine(app, "bin", "Release", "net10.0", "velithon", "NoteSocket.d.ts")), StringComparison.Ordinal);
        using (var document = JsonDocument.Parse(await File.ReadAllTextAsync(built)))
        {
            var channel = document.RootElement.GetProperty("channels").GetProperty("notes_board");
            Assert.Equal("/notes/{board}", channel.GetProperty("address").GetString());
            Assert.Equal("integer", channel.GetProperty("parameters").GetProperty("board").GetProperty("x-velithon-schema").GetProperty("type").GetString());
            Assert.Equal(80, document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("AddNote")
                .GetProperty("properties").GetProperty("text").GetProperty("maxLength").GetInt32());
        }

        // A narrower constraint breaks the clients of the approved copy: the build fails there, at the field.
        await File.WriteAllTextAsync(notesPath, notes.Replace("StringLength(80)", "StringLength(40)", StringComparison.Ordinal));
        var (exitCode, buildOutput) = await DotNet.RunAsync(app, environment, "build", "-c", "Release", "--nologo", "--no-restore");
        output.WriteLine(buildOutput);
        Assert.NotEqual(0, exitCode);
        Assert.Matches(@"asyncapi\.approved\.json\(\d+,\d+\): error VLT0060: This change breaks clients built against the approved AsyncAPI document: the field 'text' of the payload of the 'add-note' message clients send on '/notes/\{board\}' has a smaller maxLength \(80 before, 40 now\)", buildOutput);

        // Accepted, the change builds, and so does the next build against the new approved copy.
        await DotNet.RunOrFailAsync(app, environment, "build", "-c", "Release", "--nologo", "--no-restore", "-p:VelithonAcceptAsyncApi=true");
        Assert.Contains("\"maxLength\": 40", await File.ReadAllTextAsync(approved), StringComparison.Ordinal);
        (exitCode, buildOutput) = await DotNet.RunAsync(app, environment, "build", "-c", "Release", "--nologo", "--no-restore");
        Assert.True(exitCode == 0, buildOutput);
        Assert.Equal(await File.ReadAllTextAsync(built), await File.ReadAllTextAsync(approved));
    }

    private static void AssertMainPackageLayout(string package)
    {
        using var archive = ZipFile.OpenRead(package);
        var entries = archive.Entries.Select(entry => entry.FullName).ToHashSet();
        Assert.Contains("lib/net10.0/Velithon.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/Velithon.Abstractions.dll", entries);
        Assert.Contains("lib/net10.0/Velithon.Abstractions.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/Velithon.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Velithon.CodeFixes.dll", entries);
        Assert.Contains("build/Velithon.props", entries);
        Assert.Contains("build/Velithon.targets", entries);
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
