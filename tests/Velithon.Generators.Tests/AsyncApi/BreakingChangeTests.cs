using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Velithon.Generators.Tests.AsyncApi;

/// <summary>
/// VLT0060: the document of a changed assembly compared with the approved document of the original, as the package's
/// targets hand it over (an additional file with VelithonAsyncApi="approved"). Each breaking change is reported at the
/// approved node it breaks; additions that old clients do not see pass.
/// </summary>
public sealed class BreakingChangeTests
{
    private const string ApprovedPath = "/app/asyncapi.approved.json";

    private static readonly string Original = AsyncApiSources.Everything;

    [Fact]
    public void SameDeclarations_ReportNothing() =>
        Assert.Empty(Compare(Original));

    [Fact]
    public void Additions_ReportNothing()
    {
        string changed = Original
            // An optional field on a message clients send, and a field on one they read.
            .Replace("public required DateTimeOffset At { get; init; }", "public required DateTimeOffset At { get; init; }\n    public string? Coupon { get; init; }", StringComparison.Ordinal)
            .Replace("public sealed record PaymentAnswer(bool Accepted, string? Reason);", "public sealed record PaymentAnswer(bool Accepted, string? Reason, int Attempts = 1);", StringComparison.Ordinal)
            .Replace("public sealed record OrderPlaced(Guid OrderId,", "public sealed record OrderPlaced(string Shop, Guid OrderId,", StringComparison.Ordinal)
            // A message each way, and a route.
            .Replace("[JsonDerivedType(typeof(GetCart), \"get-cart\")]", "[JsonDerivedType(typeof(GetCart), \"get-cart\")]\n[JsonDerivedType(typeof(Ping), \"ping\")]", StringComparison.Ordinal)
            .Replace("public sealed record GetCart : ShopCommand", "public sealed record Ping : ShopCommand;\npublic sealed record GetCart : ShopCommand", StringComparison.Ordinal)
            .Replace("[OnMessage]\n    public ValueTask OnPlace", "[OnMessage]\n    public ValueTask OnPing(ShopSocket socket, Ping ping) => default;\n\n    [OnMessage]\n    public ValueTask OnPlace", StringComparison.Ordinal)
            .Replace("[JsonDerivedType(typeof(ShadeSet), \"shade-set\")]", "[JsonDerivedType(typeof(ShadeSet), \"shade-set\")]\n[JsonDerivedType(typeof(Tick), \"tick\")]", StringComparison.Ordinal)
            .Replace("public sealed record ShadeSet(", "public sealed record Tick(int N) : PaletteEvent;\npublic sealed record ShadeSet(", StringComparison.Ordinal)
            .Replace("[JsonSerializable(typeof(ShadeSet))]", "[JsonSerializable(typeof(ShadeSet))]\n[JsonSerializable(typeof(Tick))]", StringComparison.Ordinal)
            .Replace("[JsonSerializable(typeof(GetCart))]", "[JsonSerializable(typeof(GetCart))]\n[JsonSerializable(typeof(Ping))]", StringComparison.Ordinal)
            .Replace("public static class Palette\n{", "public static class Palette\n{\n    [WebSocket(\"/news\")]\n    public static Task News(WebSocket ws) => ws.AcceptAsync();\n", StringComparison.Ordinal)
            // A constraint that accepts more.
            .Replace("Range(1, 99)", "Range(1, 999)", StringComparison.Ordinal);
        Assert.NotEqual(Original, changed);
        Assert.Empty(Compare(changed));
    }

    [Fact]
    public void RemovedRouteMessageAndField_AreReported()
    {
        string changed = Original
            .Replace("[WebSocket(\"/open/{id:guid}\")]", "[WebSocket(\"/opened/{id:guid}\")]", StringComparison.Ordinal)
            .Replace("[JsonDerivedType(typeof(CancelOrder), \"cancel-order\")]\n", "", StringComparison.Ordinal)
            .Replace("    [OnMessage]\n    public async ValueTask OnCancel", "    public async ValueTask OnCancel", StringComparison.Ordinal)
            .Replace("long Total", "long Total2", StringComparison.Ordinal);
        var found = Compare(changed);
        AssertReported(found, "the route '/open/{id}' was removed", "\"open_id\"");
        AssertReported(found, "the 'cancel-order' message clients send on '/shop/{shopId}' was removed", "\"cancel-order\": {");
        AssertReported(found, "the field 'total' of the reply to the 'get-cart' message clients send on '/shop/{shopId}' was removed", "\"total\": {");
        Assert.Equal(3, found.Length);
    }

    [Fact]
    public void ChangedTypeNewRequiredFieldNarrowedConstraintAndNullability_AreReported()
    {
        string changed = Original
            .Replace("[property: Range(1, 99)] int Quantity", "[property: Range(1, 50)] string Quantity", StringComparison.Ordinal)
            .Replace("StringLength(40, MinimumLength = 3)", "StringLength(30, MinimumLength = 3)", StringComparison.Ordinal)
            .Replace("[property: EmailAddress] string? Email", "[property: EmailAddress] string Email", StringComparison.Ordinal)
            .Replace("public sealed record CancelOrder(Guid OrderId,", "public sealed record CancelOrder(Guid OrderId, string Reason,", StringComparison.Ordinal)
            .Replace("public sealed record PaymentAnswer(bool Accepted, string? Reason);", "public sealed record PaymentAnswer(bool Accepted, string? Reason, string Signature);", StringComparison.Ordinal)
            .Replace("OrderPlaced(Guid OrderId, DateTime When", "OrderPlaced(Guid? OrderId, DateTime When", StringComparison.Ordinal)
            .Replace("[FromQuery] int? limit", "[FromQuery] int limit", StringComparison.Ordinal);
        var found = Compare(changed);
        string place = "the payload of the 'place-order' message clients send on '/shop/{shopId}'";
        AssertReported(found, $"the field 'quantity' of {place} changed type from integer to string", "\"quantity\": {");
        AssertReported(found, $"the field 'sku' of {place} has a smaller maxLength (40 before, 30 now)", "\"sku\": {");
        AssertReported(found, $"the field 'email' of {place} no longer accepts null", "\"email\": {");
        AssertReported(found, "the field 'reason' of the payload of the 'cancel-order' message clients send on '/shop/{shopId}' is new and required", "\"CancelOrder\": {");
        AssertReported(found, "the field 'signature' of the reply to the 'confirm-payment' message the server sends on '/shop/{shopId}' is new and required", "\"PaymentAnswer\": {");
        AssertReported(found, "the field 'orderId' of the payload of the 'order-placed' message the server sends on '/shop/{shopId}' may now be null", "\"orderId\": {");
        AssertReported(found, "the route '/rooms/{roomId}/files/{rest}' now requires the query value 'limit'", "\"query\": {");
        Assert.Equal(7, found.Length);
    }

    [Fact]
    public void ApprovedCopyThatIsNotJson_IsVLT0061()
    {
        var diagnostics = Run(Original, "{ \"asyncapi\": \"3.0.0\",\n  \"channels\": { oops } }");
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("VLT0061", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(ApprovedPath, diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(1, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        Assert.StartsWith("The approved AsyncAPI document 'asyncapi.approved.json' is not valid JSON (expected a property name, line 2, column 17)", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnAdditionalFileWithoutTheMetadata_IsNotCompared()
    {
        var compilation = GeneratorHarness.CreateCompilation(Original);
        var driver = CSharpGeneratorDriver.Create(
            [new VelithonGenerator().AsSourceGenerator()],
            [new InMemoryText(ApprovedPath, "not json")],
            GeneratorHarness.ParseOptions,
            new MetadataOptions(approved: null));
        driver.RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);
        Assert.Empty(diagnostics);
    }

    private static void AssertReported(Diagnostic[] found, string change, string approvedLineContains)
    {
        var diagnostic = found.SingleOrDefault(d => d.GetMessage().Contains(": " + change + ".", StringComparison.Ordinal));
        Assert.True(diagnostic is not null, $"'{change}' was not reported; reported:\n{string.Join("\n", found.Select(static d => d.GetMessage()))}");
        Assert.Equal("VLT0060", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(
            $"This change breaks clients built against the approved AsyncAPI document: {change}. If it is intended, accept the new document (dotnet build -p:VelithonAcceptAsyncApi=true) and commit it.",
            diagnostic.GetMessage());
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(ApprovedPath, span.Path);
        string line = ApprovedText.Value.Split('\n')[span.StartLinePosition.Line];
        Assert.Contains(approvedLineContains, line, StringComparison.Ordinal);
    }

    private static readonly Lazy<string> ApprovedText = new(() => AsyncApiDocumentTests.DocumentText(AsyncApiDocumentTests.Generate(Original)) + "\n");

    private static Diagnostic[] Compare(string changed)
    {
        var diagnostics = Run(changed, ApprovedText.Value);
        Assert.All(diagnostics, static d => Assert.Equal("VLT0060", d.Id));
        return diagnostics;
    }

    private static Diagnostic[] Run(string source, string approved)
    {
        var compilation = GeneratorHarness.CreateCompilation(source);
        var driver = CSharpGeneratorDriver.Create(
            [new VelithonGenerator().AsSourceGenerator()],
            [new InMemoryText(ApprovedPath, approved)],
            GeneratorHarness.ParseOptions,
            new MetadataOptions(approved: ApprovedPath));
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        GeneratorHarness.AssertClean(output);
        return [.. diagnostics];
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    /// <summary>The analyzer config options MSBuild writes for <c>CompilerVisibleItemMetadata</c>: the approved file's metadata.</summary>
    private sealed class MetadataOptions(string? approved) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(ImmutableDictionary<string, string>.Empty);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => GlobalOptions;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            textFile.Path == approved
                ? new Options(ImmutableDictionary<string, string>.Empty.Add("build_metadata.AdditionalFiles.VelithonAsyncApi", "approved"))
                : GlobalOptions;

        private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
