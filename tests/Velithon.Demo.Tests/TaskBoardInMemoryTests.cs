using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Velithon.Testing;

namespace Velithon.Demo.Tests;

/// <summary>
/// The demo's task board hosted in memory on a <see cref="FakeTimeProvider"/>: its typed contract end to end with
/// no process and no port, and the server's request to a page that never answers timing out when the clock is
/// moved, not when time passes.
/// </summary>
public sealed class TaskBoardInMemoryTests : IClassFixture<WebApplicationFactory<Program>>, IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly WebApplicationFactory<Program> _factory;

    public TaskBoardInMemoryTests(WebApplicationFactory<Program> factory)
    {
        _factory = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(_clock)));
    }

    private VelithonTestClient Client => new(_factory.Server);

    [Fact]
    public async Task PageThatDoesNotSayWhoItIs_IsAGuest_WhenTheClockPassesTheIntroductionTimeout()
    {
        string board = NewBoard();
        await using var silent = await Client.ConnectAsync($"/board/{board}");
        var question = await silent.ReceiveJsonElementAsync();
        Assert.Equal("who-are-you", question.GetProperty("type").GetString());

        // Requests made while the server waits are dispatched after the asking lifecycle method, in order.
        await silent.SendTextAsync("""{"type":"get-board","id":1,"payload":{}}""");
        _clock.Advance(TimeSpan.FromSeconds(10));

        var cancel = await silent.ReceiveJsonElementAsync();
        Assert.Equal("cancel", cancel.GetProperty("type").GetString());
        Assert.Equal(question.GetProperty("id").GetInt64(), cancel.GetProperty("id").GetInt64());
        AssertEnvelope(await silent.ReceiveJsonElementAsync(), "member-joined", """{"name":"guest","members":1}""");
        AssertEnvelope(await silent.ReceiveJsonElementAsync(), "reply", $$"""{"board":"{{board}}","tasks":[]}""");
    }

    // What a page sends is input: a refusal, or a reply without a usable name, makes it a guest, not a server error.
    [Theory]
    [InlineData("""{"type":"error","id":ID,"error":"I'd rather not say"}""")]
    [InlineData("""{"type":"reply","id":ID,"payload":{}}""")]
    [InlineData("""{"type":"reply","id":ID,"payload":{"name":null}}""")]
    [InlineData("""{"type":"reply","id":ID,"payload":{"name":5}}""")]
    [InlineData("""{"type":"reply","id":ID,"payload":null}""")]
    public async Task PageThatRefusesOrGivesNoName_IsAGuest_AndStays(string answer)
    {
        string board = NewBoard();
        await using var page = await Client.ConnectAsync($"/board/{board}");
        var question = await page.ReceiveJsonElementAsync();
        Assert.Equal("who-are-you", question.GetProperty("type").GetString());

        await page.SendTextAsync(answer.Replace("ID", question.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        AssertEnvelope(await page.ReceiveJsonElementAsync(), "member-joined", """{"name":"guest","members":1}""");
        await page.SendTextAsync("""{"type":"get-board","id":7}""");
        AssertEnvelope(await page.ReceiveJsonElementAsync(), "reply", $$"""{"board":"{{board}}","tasks":[]}""");
    }

    [Fact]
    public async Task TwoPages_ShareTheBoard_ThroughTypedEvents()
    {
        string board = NewBoard();
        await using var ann = await Client.ConnectAsync($"/board/{board}");
        await IntroduceAsync(ann, "ann");
        AssertEnvelope(await ann.ReceiveJsonElementAsync(), "member-joined", """{"name":"ann","members":1}""");

        await using var bob = await Client.ConnectAsync($"/board/{board}");
        await IntroduceAsync(bob, "bob");
        AssertEnvelope(await ann.ReceiveJsonElementAsync(), "member-joined", """{"name":"bob","members":2}""");
        AssertEnvelope(await bob.ReceiveJsonElementAsync(), "member-joined", """{"name":"bob","members":2}""");

        await bob.SendTextAsync("""{"type":"add","payload":{"title":"in memory"}}""");
        AssertEnvelope(await ann.ReceiveJsonElementAsync(), "task-added", """{"task":{"id":1,"title":"in memory","column":"todo"},"by":"bob"}""");
        AssertEnvelope(await bob.ReceiveJsonElementAsync(), "task-added", """{"task":{"id":1,"title":"in memory","column":"todo"},"by":"bob"}""");

        // An empty title fails [StringLength(80, MinimumLength = 1)]: an error envelope naming the field.
        await ann.SendTextAsync("""{"type":"add","payload":{"title":""}}""");
        var refused = await ann.ReceiveJsonElementAsync();
        Assert.Equal("error", refused.GetProperty("type").GetString());
        Assert.True(refused.GetProperty("errors").TryGetProperty("title", out _), refused.GetRawText());
    }

    public void Dispose() => _factory.Dispose();

    private static string NewBoard() => "memory-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task IntroduceAsync(TestWebSocket page, string name)
    {
        var question = await page.ReceiveJsonElementAsync();
        Assert.Equal("who-are-you", question.GetProperty("type").GetString());
        await page.SendTextAsync($$$"""{"type":"reply","id":{{{question.GetProperty("id").GetInt64()}}},"payload":{"name":"{{{name}}}"}}""");
    }

    private static void AssertEnvelope(JsonElement envelope, string type, string payload)
    {
        Assert.Equal(type, envelope.GetProperty("type").GetString());
        Assert.Equal(payload, envelope.GetProperty("payload").GetRawText());
    }
}
