using Velithon.Generators.Analyzers;

namespace Velithon.Generators.Tests;

/// <summary>VLT0037: JSON calls without JsonTypeInfo in a project that publishes trimmed or with Native AOT.</summary>
public sealed class JsonWithoutTypeInfoTests
{
    private const string Calls = """
        public sealed record Chat(string Text);

        // The test compilation does not run System.Text.Json's generator: this stands for AppJsonContext.Default.
        public static class AppJsonContext
        {
            public static class Default
            {
                public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<Chat> Chat { get; } = null!;
            }
        }

        public static class Handlers
        {
            [WebSocket("/a")]
            public static async Task Handle(WebSocket ws)
            {
                await ws.AcceptAsync();
                var chat = await [|ws.ReceiveJsonAsync<Chat>()|];
                await [|ws.SendJsonAsync(chat)|];
                await ws.SendJsonAsync(chat, AppJsonContext.Default.Chat);
                var typed = await ws.ReceiveJsonAsync(AppJsonContext.Default.Chat);
            }
        }
        """;

    [Theory]
    [InlineData("PublishAot", "true")]
    [InlineData("PublishTrimmed", "True")]
    [InlineData("IsAotCompatible", "true")]
    public async Task TrimmedProject_ReportsVLT0037AtTheCall(string property, string value)
    {
        var diagnostics = await ProtocolMarkup.VerifyAsync(
            new JsonWithoutTypeInfoAnalyzer(),
            Calls.Replace("[|", "{|VLT0037:", StringComparison.Ordinal).Replace("|]", "|}", StringComparison.Ordinal),
            new Dictionary<string, string> { [property] = value });
        Assert.Equal(
            $"The project sets {property}=true, and 'ReceiveJsonAsync<Chat>' without a JsonTypeInfo finds 'Chat' only if a source-generated JsonSerializerContext registered with ConfigureHttpJsonOptions knows it, else it throws at run time; pass the type's metadata, for example ws.ReceiveJsonAsync(AppJsonContext.Default.Chat)",
            ProtocolMarkup.Message(diagnostics[0]));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("PublishAot", "false")]
    [InlineData("PublishTrimmed", "")]
    public async Task UntrimmedProject_ReportsNothing(string? property, string? value)
    {
        await ProtocolMarkup.VerifyAsync(
            new JsonWithoutTypeInfoAnalyzer(),
            Calls.Replace("[|", "", StringComparison.Ordinal).Replace("|]", "", StringComparison.Ordinal),
            property is null ? null : new Dictionary<string, string> { [property] = value! });
    }
}
