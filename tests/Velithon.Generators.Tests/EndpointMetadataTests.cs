using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Tests;

/// <summary>
/// A handler's attributes become endpoint metadata. One the generated code cannot recreate (a type it cannot
/// name, an argument it cannot write) must never be left out in silence: left out, an authorization attribute
/// serves the route to anonymous users. Metadata the request pipeline reads is an error (VLT0028) and keeps the
/// handler out of the route table; any other attribute is a warning (VLT0029) and the handler is served without it.
/// </summary>
public sealed class EndpointMetadataTests
{
    private const string AuthorizationUsings = """
        using Microsoft.AspNetCore.Authorization;
        using Microsoft.AspNetCore.Cors.Infrastructure;

        """;

    [Fact]
    public async Task PrivateAuthorizeAttribute_ReportsVLT0028_AndTheRouteIsNotServed()
    {
        const string source = AuthorizationUsings + """
            public static class Admin
            {
                private sealed class AdminsOnlyAttribute : AuthorizeAttribute
                {
                    public AdminsOnlyAttribute() => Roles = "admin";
                }

                [{|VLT0028:AdminsOnly|}]
                [WebSocket("/admin")]
                public static Task Console(WebSocket ws) => ws.AcceptAsync();
            }
            """;
        var diagnostics = await DiagnosticMarkup.VerifyAsync(source);
        Assert.Equal(
            "The attribute 'Admin.AdminsOnlyAttribute' carries authorization, but the route table cannot recreate it, so the route is not mapped rather than served without it: "
            + "'Admin.AdminsOnlyAttribute' is private; make it internal or public, so the generated code can name it",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));

        // The build fails with the analyzer off too, and the generated route table does not map the handler.
        var (generated, _, result) = GeneratorHarness.RunWithDiagnostics(GeneratorHarness.CreateCompilation(SnapshotTests.Usings + DiagnosticMarkup.Strip(source)));
        Assert.Equal(("VLT0028", DiagnosticSeverity.Error), (Assert.Single(generated).Id, generated[0].Severity));
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.Contains("Admin_Console", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryKindOfPipelineMetadataThatCannotBeRecreated_ReportsVLT0028()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(AuthorizationUsings + """
            public sealed class Marker { }

            [AttributeUsage(AttributeTargets.All)]
            public sealed class PolicyFromTypeAttribute(Type policy) : AuthorizeAttribute(policy.Name);

            public static class Handlers
            {
                private sealed class Hidden { }

                private sealed class AnyoneAttribute : Attribute, IAllowAnonymous;

                private sealed class NoCorsAttribute : Attribute, IDisableCorsAttribute;

                private sealed class SmallRequestsAttribute : Attribute, Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata
                {
                    public long? MaxRequestBodySize => 1024;
                }

                [{|VLT0028:PolicyFromType(typeof(Hidden))|}]
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;

                [{|VLT0028:Anyone|}]
                [WebSocket("/b")]
                public static Task B(WebSocket ws) => Task.CompletedTask;

                [{|VLT0028:NoCors|}]
                [WebSocket("/c")]
                public static Task C(WebSocket ws) => Task.CompletedTask;

                [{|VLT0028:SmallRequests|}]
                [WebSocket("/d")]
                public static Task D(WebSocket ws) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            "The attribute 'PolicyFromTypeAttribute' carries authorization, but the route table cannot recreate it, so the route is not mapped rather than served without it: "
            + "its argument names 'Handlers.Hidden', which is private; make it internal or public, so the generated code can name it",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.Contains("carries anonymous access", diagnostics[1].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("carries a CORS policy", diagnostics[2].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("carries endpoint metadata", diagnostics[3].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherAttributeThatCannotBeRecreated_ReportsVLT0029_AndTheRouteIsServedWithoutIt()
    {
        const string source = """
            public static class Handlers
            {
                [AttributeUsage(AttributeTargets.All)]
                private sealed class NoteAttribute(string text) : Attribute
                {
                    public string Text { get; } = text;
                }

                [{|VLT0029:Note("reviewed")|}]
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;
            }
            """;
        var diagnostics = await DiagnosticMarkup.VerifyAsync(source, OutputKind.DynamicallyLinkedLibrary, DiagnosticSeverity.Warning);
        Assert.Equal(
            "The attribute 'Handlers.NoteAttribute' is not in the route's endpoint metadata: 'Handlers.NoteAttribute' is private; "
            + "make it internal or public, so the generated code can name it",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));

        var (generated, output, result) = GeneratorHarness.RunWithDiagnostics(GeneratorHarness.CreateCompilation(SnapshotTests.Usings + DiagnosticMarkup.Strip(source)));
        Assert.Equal("VLT0029", Assert.Single(generated).Id);
        Assert.Contains(result.GeneratedSources, s => s.HintName == "Velithon.Handlers.Handlers_A.g.cs");
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task RecreatableAttributes_ReportNothing()
    {
        await DiagnosticMarkup.VerifyAsync(AuthorizationUsings + """
            public static class Handlers
            {
                internal sealed class AdminsOnlyAttribute : AuthorizeAttribute
                {
                    public AdminsOnlyAttribute() => Roles = "admin";
                }

                private sealed class Private { }

                // Attributes for the compiler and debugger are not endpoint metadata: nothing to recreate.
                [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE0060")]
                [AdminsOnly]
                [Authorize(Policy = "ops")]
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;
            }
            """);
    }
}
