using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Velithon.Runtime.Tests;

namespace Velithon.Demo.Tests;

/// <summary>
/// The demo's AsyncAPI document: served at /asyncapi/v1.json, the same as the approved copy committed beside the demo
/// and as the build's bin/asyncapi.json, and valid under the official AsyncAPI 3.0 schema.
/// </summary>
public sealed class DemoAsyncApiTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    private static readonly string Approved = Path.Combine(ExternalProcess.RepositoryRoot, "samples", "Velithon.Demo", "asyncapi.approved.json");

    [Fact]
    public async Task Document_IsServed_AndIsTheApprovedCopy()
    {
        using var http = factory.CreateClient();
        using var response = await http.GetAsync("/asyncapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        string served = await response.Content.ReadAsStringAsync();

        // The approved copy is the document as the build writes it and the server serves it (the same constant, with
        // a final line end): a change to the demo's routes is accepted into it (dotnet build
        // -p:VelithonAcceptAsyncApi=true) in the same commit.
        Assert.Equal(await File.ReadAllTextAsync(Approved), served);
        // The demo's own output folder, of the configuration these tests were built in (bin/Debug/net10.0, ...).
        string output = Path.GetRelativePath(
            Path.Combine(ExternalProcess.RepositoryRoot, "tests", "Velithon.Demo.Tests"),
            Path.GetDirectoryName(typeof(DemoAsyncApiTests).Assembly.Location)!);
        string built = Path.Combine(ExternalProcess.RepositoryRoot, "samples", "Velithon.Demo", output, "asyncapi.json");
        Assert.Equal(await File.ReadAllTextAsync(Approved), await File.ReadAllTextAsync(built));

        using var document = JsonDocument.Parse(served);
        var board = document.RootElement.GetProperty("channels").GetProperty("board_boardId");
        Assert.Equal("/board/{boardId}", board.GetProperty("address").GetString());
        Assert.Equal(Velithon.Demo.Board.TaskBoardSocket.ContractVersion, board.GetProperty("x-velithon-contract").GetProperty("version").GetString());
        Assert.Contains(board.GetProperty("x-velithon-close-codes").EnumerateArray(),
            static code => code.GetProperty("code").GetInt32() == 1008 && code.GetProperty("description").GetString() == "This board is full.");
    }

    [Fact]
    public async Task Document_IsValidAsyncApi30()
    {
        string folder = Path.Combine(ExternalProcess.RepositoryRoot, "tests", "clients", "asyncapi");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "@asyncapi", "parser")),
            "Run `npm ci` in tests/clients/asyncapi (scripts/test.sh does) before this test.");
        var (exitCode, output, errors) = await ExternalProcess.RunAsync(
            "node", [Path.Combine(folder, "validate.mjs"), Approved], folder, environment: null, TimeSpan.FromSeconds(120));
        Assert.True(exitCode == 0, output + errors);
        using var result = JsonDocument.Parse(output);
        Assert.True(result.RootElement.GetProperty("valid").GetBoolean(), output);
        Assert.Equal(0, result.RootElement.GetProperty("warnings").GetArrayLength());
        Assert.Equal(
            ["/board/{boardId}", "/chat/{roomId}", "/echo", "/status", "/ws"],
            result.RootElement.GetProperty("channels").EnumerateArray().Select(static c => c.GetString()!));
    }
}
