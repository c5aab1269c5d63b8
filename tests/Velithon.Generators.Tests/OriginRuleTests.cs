using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Runtime.Tests;

namespace Velithon.Generators.Tests;

/// <summary>
/// The build's side of the one origin rule: every row of <see cref="OriginCases"/> (shared with the runtime's
/// OriginRuleTests) as an <c>[AllowedOrigins]</c> argument. VLT0030 marks exactly the rows the runtime refuses, with
/// the reason the runtime's start-up failure gives, from the analyzer and from the generator alike.
/// </summary>
public sealed class OriginRuleTests
{
    [Fact]
    public async Task EveryRowOfTheTable_IsVLT0030_ExactlyWhenTheRuntimeRefusesIt_ForTheSameReason()
    {
        var rows = OriginCases.Origins.Select(row => (row.Text, Problem: (string?)null))
            .Concat(OriginCases.NotOrigins.Select(row => (row.Text, Problem: (string?)row.Problem)))
            .ToList();
        string arguments = string.Join(",\n", rows.Select(row => SymbolDisplay.FormatLiteral(row.Text, quote: true)));
        var compilation = GeneratorHarness.CreateCompilation(SnapshotTests.Usings + $$"""
            public static class Handlers
            {
                [AllowedOrigins(
            {{arguments}})]
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;
            }
            """);
        var (generated, output, _) = GeneratorHarness.RunWithDiagnostics(compilation);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var analyzed = await GeneratorHarness.AnalyzeAsync(output);

        // Each diagnostic named by the entry its location holds, so a row on which the two sides disagree reads as itself.
        static (string Entry, string Message) Named(Diagnostic diagnostic)
        {
            var node = diagnostic.Location.SourceTree!.GetRoot().FindNode(diagnostic.Location.SourceSpan);
            var literal = Assert.IsType<LiteralExpressionSyntax>(node is AttributeArgumentSyntax argument ? argument.Expression : node);
            Assert.Equal("VLT0030", diagnostic.Id);
            return (literal.Token.ValueText, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        }

        var expected = rows.Where(row => row.Problem is not null)
            .Select(row => (row.Text, $"The origin of [AllowedOrigins] is '{row.Text}', which the runtime cannot use; {row.Problem}: write {OriginCases.Expected}, or \"*\" for any origin"))
            .ToList();
        Assert.Equal(expected, analyzed.OrderBy(d => d.Location.SourceSpan.Start).Select(Named));
        Assert.Equal(expected, generated.OrderBy(d => d.Location.SourceSpan.Start).Select(Named));
    }
}
