using System.Net;
using System.Net.Http.Headers;

namespace Velithon.Runtime.Tests.Clients;

/// <summary>
/// The TypeScript client the generator writes for a contract: the file the build wrote is the one the server
/// serves, it compiles under <c>tsc --strict</c> while wrong uses do not, and under Node (with the ws package) it
/// speaks the contract to Kestrel: typed route, query and header values, messages both ways, a request each way,
/// an error envelope, reconnection after a restart but not after a refusal, the contract's version as its subprotocol
/// (a client of another version is refused with 4426 and does not retry), and a request timeout.
/// </summary>
public sealed class TypeScriptClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string NodeClients = Path.Combine(ExternalProcess.RepositoryRoot, "tests", "clients", "node");

    /// <summary>Where the build of this assembly wrote its clients (Velithon.targets).</summary>
    private static string Generated(string file) => Path.Combine(AppContext.BaseDirectory, "velithon", file);

    [Fact]
    public async Task NodeClient_SpeaksTheContract_WithTypedValuesRequestsBothWaysErrorsAndATimeout()
    {
        RequireNodeModules();

        var (exitCode, lines, errors) = await ExternalProcess.RunAsync(
            "node", Path.Combine(NodeClients, "typed-client.mjs"), fixture.Server.Http1Base.ToString().TrimEnd('/'), Generated("RoomSocket.js"));

        Assert.True(exitCode == 0, $"{errors}\nOutput so far:\n{string.Join("\n", lines)}");
        Assert.Equal(
            [
                "open /clients/room/7?user=ada contract",
                "said 7 ada t-1 hello Excited a,b null",
                "sum 10 null",
                "asked colour? then answer to colour? (7)",
                "error true text",
                "restart 1012 leaving true",
                "reconnected open 42 ?user=ada",
                "refused 4000 leaving false closed",
                "stale 4426 false closed true",
                "stall true",
                "closed 1000 false closed",
            ],
            lines);
    }

    [Fact]
    public async Task ServedModule_IsTheFileTheBuildWrote_AndRevalidatesWithItsETag()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.HttpBase };
        foreach (var (file, mediaType) in new[] { ("RoomSocket.js", "text/javascript"), ("RoomSocket.d.ts", "application/typescript") })
        {
            using var response = await http.GetAsync("/velithon/" + file);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(await File.ReadAllTextAsync(Generated(file)), await response.Content.ReadAsStringAsync());
            Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());

            using var again = new HttpRequestMessage(HttpMethod.Get, "/velithon/" + file);
            again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
            using var revalidated = await http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);

            using var stale = new HttpRequestMessage(HttpMethod.Get, "/velithon/" + file);
            stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0123\""));
            using var fresh = await http.SendAsync(stale);
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }
    }

    [Fact]
    public async Task Declarations_CompileStrict_AndEveryWrongUseFails()
    {
        RequireNodeModules();
        // Inside tests/clients/node, so the compiler finds the ws package's types (@types/ws) in its node_modules:
        // the real ws class must fit the WebSocket class the clients take.
        string folder = Path.Combine(NodeClients, "tsc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            foreach (string file in new[] { "RoomSocket.js", "RoomSocket.d.ts" })
            {
                File.Copy(Generated(file), Path.Combine(folder, file));
            }

            foreach (string file in new[] { "TaskBoardSocket.js", "TaskBoardSocket.d.ts" })
            {
                File.Copy(Path.Combine(DemoOutput, "velithon", file), Path.Combine(folder, file));
            }

            foreach (string file in Directory.GetFiles(Path.Combine(NodeClients, "types"), "*.ts"))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            await File.WriteAllTextAsync(Path.Combine(folder, "tsconfig.json"), """
                {
                  "compilerOptions": {
                    "strict": true,
                    "noEmit": true,
                    "target": "es2022",
                    "module": "nodenext",
                    "moduleResolution": "nodenext",
                    "lib": ["es2022", "dom"],
                    "types": []
                  },
                  "include": ["*.ts"]
                }
                """);
            await File.WriteAllTextAsync(Path.Combine(folder, "package.json"), """{ "type": "module" }""");

            var (exitCode, output, errors) = await ExternalProcess.RunAsync(
                "node", [Path.Combine(NodeClients, "node_modules", "typescript", "bin", "tsc"), "-p", folder], folder, environment: null, TimeSpan.FromMinutes(2));

            Assert.True(exitCode == 0, $"tsc --strict failed:\n{output}\n{errors}");

            // The same files without the directives: each line under one must be an error of its own.
            string errorsFile = Path.Combine(folder, "errors.ts");
            string[] source = await File.ReadAllLinesAsync(errorsFile);
            int expected = source.Count(static line => line.Trim() == "// @ts-expect-error");
            await File.WriteAllLinesAsync(errorsFile, source.Where(static line => line.Trim() != "// @ts-expect-error"));
            var (failedCode, failedOutput, _) = await ExternalProcess.RunAsync(
                "node", [Path.Combine(NodeClients, "node_modules", "typescript", "bin", "tsc"), "-p", folder], folder, environment: null, TimeSpan.FromMinutes(2));
            Assert.NotEqual(0, failedCode);
            var errorLines = failedOutput.Split('\n').Where(static line => line.StartsWith("errors.ts(", StringComparison.Ordinal)).Select(static line => line[..line.IndexOf(',', StringComparison.Ordinal)]).Distinct().ToList();
            Assert.True(expected == errorLines.Count, $"{expected} expected errors, {errorLines.Count} lines with errors:\n{failedOutput}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The demo's build output, in this build's configuration (this project builds the demo first).</summary>
    private static string DemoOutput
    {
        get
        {
            string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            return Path.Combine(ExternalProcess.RepositoryRoot, "samples", "Velithon.Demo", "bin", configuration, "net10.0");
        }
    }

    private static void RequireNodeModules() =>
        Assert.True(Directory.Exists(Path.Combine(NodeClients, "node_modules", "typescript")),
            "Run `npm ci` in tests/clients/node (scripts/test.sh does) before this test.");
}
