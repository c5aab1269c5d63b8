using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Velithon.Generators.Tests;

/// <summary>Which edits make the generator do work again, and that its models hold no Roslyn objects.</summary>
public sealed partial class IncrementalTests
{
    private const string Handlers = SnapshotTests.Usings + """
        public static class Chat
        {
            [WebSocket("/chat/<roomId>")]
            public static async Task Room(WebSocket ws, string roomId)
            {
                await ws.SendTextAsync(roomId);
            }
        }
        """;

    [Fact]
    public void AddingUnrelatedType_DoesNotRegenerate()
    {
        var (driver, compilation) = FirstRun(Handlers);
        var next = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public sealed class Unrelated { public int Value { get; set; } }", GeneratorHarness.ParseOptions));

        var result = GeneratorHarness.Run(next, driver).Result;

        AssertStep(result, TrackingNames.Handlers, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertStep(result, TrackingNames.RouteTable, IncrementalStepRunReason.Cached);

        // The referenced route tables are looked up again for the new compilation, and found equal.
        AssertStep(result, TrackingNames.ReferencedRouteTables, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertOutputsCached(result);
    }

    [Fact]
    public void EditingHandlerBody_DoesNotRegenerate()
    {
        var (driver, compilation) = FirstRun(Handlers);
        var next = ReplaceSource(compilation, Handlers.Replace("await ws.SendTextAsync(roomId);", "await ws.SendTextAsync(roomId + \"!\");", StringComparison.Ordinal));

        var result = GeneratorHarness.Run(next, driver).Result;

        AssertStep(result, TrackingNames.Handlers, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertStep(result, TrackingNames.RouteTable, IncrementalStepRunReason.Cached);
        AssertOutputsCached(result);
    }

    [Fact]
    public void ChangingRouteTemplate_Regenerates()
    {
        var (driver, compilation) = FirstRun(Handlers);
        var next = ReplaceSource(compilation, Handlers.Replace("/chat/<roomId>", "/rooms/<roomId>", StringComparison.Ordinal));

        var result = GeneratorHarness.Run(next, driver).Result;

        AssertStep(result, TrackingNames.Handlers, IncrementalStepRunReason.Modified);
        AssertStep(result, TrackingNames.RouteTable, IncrementalStepRunReason.Modified);
        Assert.Contains("/rooms/{roomId}", result.GeneratedSources.Single(s => s.HintName == "Velithon.Handlers.Chat_Room.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddingSecondEndpoint_KeepsFirstCached()
    {
        var (driver, compilation) = FirstRun(Handlers);
        var next = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(SnapshotTests.Usings + """
            public static class Status
            {
                [WebSocket("/status")]
                public static Task Updates(WebSocket ws) => Task.CompletedTask;
            }
            """, GeneratorHarness.ParseOptions));

        var result = GeneratorHarness.Run(next, driver).Result;

        var reasons = result.TrackedSteps[TrackingNames.Handlers].SelectMany(step => step.Outputs).Select(output => output.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Cached, reasons);
        Assert.Contains(IncrementalStepRunReason.New, reasons);
        AssertStep(result, TrackingNames.RouteTable, IncrementalStepRunReason.Modified);
        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Handlers.Chat_Room.g.cs", "Velithon.Handlers.Status_Updates.g.cs", "Velithon.RouteTable.g.cs", "Velithon.Routes.g.cs"], result.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    private const string Lobby = SnapshotTests.Usings + """
        public static class Lobby
        {
            [WebSocket("/lobby")]
            public static Task Join(WebSocket ws) => ws.AcceptAsync();
        }
        """;

    [Fact]
    public void EditingOneHandlersParameters_ReEmitsOnlyItsFile()
    {
        var compilation = GeneratorHarness.CreateCompilation(Handlers, Lobby);
        var (driver, _, _) = GeneratorHarness.Run(compilation);
        var next = ReplaceSource(compilation, compilation.SyntaxTrees.Last(), Lobby.Replace("(WebSocket ws)", "(WebSocket ws, [FromQuery] string? name)", StringComparison.Ordinal));

        var result = GeneratorHarness.Run(next, driver).Result;

        // The route table lists each route's template and handler, which did not change.
        // The AsyncAPI document describes the parameters too.
        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Handlers.Lobby_Join.g.cs"], ReEmitted(result));
        Assert.Contains("name", result.GeneratedSources.Single(s => s.HintName == "Velithon.Handlers.Lobby_Join.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ChangingOneHandlersTemplate_ReEmitsItsFileAndTheRouteTable()
    {
        var compilation = GeneratorHarness.CreateCompilation(Handlers, Lobby);
        var (driver, _, _) = GeneratorHarness.Run(compilation);
        var next = ReplaceSource(compilation, compilation.SyntaxTrees.Last(), Lobby.Replace("/lobby", "/hall", StringComparison.Ordinal));

        var result = GeneratorHarness.Run(next, driver).Result;

        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Handlers.Lobby_Join.g.cs", "Velithon.RouteTable.g.cs", "Velithon.Routes.g.cs"], ReEmitted(result));

        // The other handler's output step did not run: its file came from the cache.
        var handlerSteps = result.TrackedSteps[TrackingNames.HandlerFiles].SelectMany(step => step.Outputs).ToList();
        Assert.Equal(2, handlerSteps.Count);
        Assert.Single(handlerSteps, output => output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void StepOutputs_HoldNoSymbolsSyntaxOrCompilations()
    {
        var compilation = GeneratorHarness.CreateCompilation(Handlers);
        var result = GeneratorHarness.Run(compilation).Result;
        foreach (var (name, steps) in result.TrackedSteps.Where(step => step.Key is TrackingNames.Handlers or TrackingNames.HandlerNames or TrackingNames.HandlerFiles or TrackingNames.RouteTable or TrackingNames.ReferencedRouteTables))
        {
            foreach (var output in steps.SelectMany(step => step.Outputs))
            {
                AssertNoRoslynObjects(output.Value, $"{name} output");
            }
        }
    }

    private static (GeneratorDriver Driver, Compilation Compilation) FirstRun(string source)
    {
        var compilation = GeneratorHarness.CreateCompilation(source);
        var (driver, _, result) = GeneratorHarness.Run(compilation);
        Assert.NotEmpty(result.GeneratedSources);
        return (driver, compilation);
    }

    private static Compilation ReplaceSource(Compilation compilation, string source) =>
        ReplaceSource(compilation, compilation.SyntaxTrees.Single(), source);

    private static Compilation ReplaceSource(Compilation compilation, SyntaxTree old, string source) =>
        compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: old.FilePath));

    /// <summary>
    /// The files whose source output step ran again rather than coming from the driver's cache, in order. A
    /// step's output is the pair (generated sources, diagnostics); Roslyn 4.14 keeps the source type internal,
    /// so its hint name is read by reflection.
    /// </summary>
    private static string[] ReEmitted(GeneratorRunResult result) =>
    [
        .. result.TrackedOutputSteps
            .SelectMany(step => step.Value)
            .SelectMany(step => step.Outputs)
            .Where(output => output.Reason != IncrementalStepRunReason.Cached)
            .SelectMany(output => ((IEnumerable)((System.Runtime.CompilerServices.ITuple)output.Value)[0]!).Cast<object>())
            .Select(source => (string)source.GetType().GetProperty("HintName")!.GetValue(source)!)
            .Order(StringComparer.Ordinal),
    ];

    private static void AssertStep(GeneratorRunResult result, string stepName, params IncrementalStepRunReason[] allowed)
    {
        var reasons = result.TrackedSteps[stepName].SelectMany(step => step.Outputs).Select(output => output.Reason).ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.Contains(reason, allowed));
    }

    private static void AssertOutputsCached(GeneratorRunResult result)
    {
        var reasons = result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs).Select(output => output.Reason).ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
    }

    private static void AssertNoRoslynObjects(object? value, string path, int depth = 0)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || depth > 10)
        {
            return;
        }

        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or Location or SyntaxTree,
            $"{path} holds a {value.GetType().Name}, which keeps a compilation alive and defeats caching.");

        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (var item in items)
            {
                AssertNoRoslynObjects(item, $"{path}[{i++}]", depth + 1);
            }

            return;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0)
            {
                AssertNoRoslynObjects(property.GetValue(value), $"{path}.{property.Name}", depth + 1);
            }
        }
    }
}
