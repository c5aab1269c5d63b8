using Microsoft.CodeAnalysis;
using Velithon.Generators.Tests.Contracts;

namespace Velithon.Generators.Tests;

/// <summary>Contracts keep the generator's tracking per handler: each route file and each typed socket is its own output.</summary>
public sealed partial class IncrementalTests
{
    // The contract in one file, each route in its own, as an application lays them out.
    private static readonly string[] ContractFiles =
    [
        ContractSources.Usings + "namespace Demo;\n\n" + ContractSources.Messages + ContractSources.Socket,
        ContractSources.Usings + "namespace Demo;\n\n" + ContractSources.Endpoint,
        ContractSources.Usings + "namespace Demo;\n\n" + ContractSources.StaticRoute,
        Lobby,
    ];

    [Fact]
    public void EditingAContractHandlersBody_DoesNotRegenerate()
    {
        var compilation = GeneratorHarness.CreateCompilation(ContractFiles);
        var (driver, _, _) = GeneratorHarness.Run(compilation);
        var endpoint = compilation.SyntaxTrees.ElementAt(1);
        var next = ReplaceSource(compilation, endpoint, ContractFiles[1].Replace("new CardAdded(1, add.Title)", "new CardAdded(7, add.Title + \"!\")", StringComparison.Ordinal));

        var result = GeneratorHarness.Run(next, driver).Result;

        AssertStep(result, TrackingNames.Handlers, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertStep(result, TrackingNames.Contracts, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertOutputsCached(result);
    }

    [Fact]
    public void ChangingAnInboundCasesValidation_ReEmitsOnlyTheRoutesOfItsContract()
    {
        var compilation = GeneratorHarness.CreateCompilation(ContractFiles);
        var (driver, _, _) = GeneratorHarness.Run(compilation);
        var contract = compilation.SyntaxTrees.First();
        var next = ReplaceSource(compilation, contract, ContractFiles[0].Replace("StringLength(80)", "StringLength(40)", StringComparison.Ordinal));

        var result = GeneratorHarness.Run(next, driver).Result;

        // The typed socket has only the outbound cases, and the lobby's route has no contract.
        // A validation attribute is a JSON Schema constraint too: the document and the contract version change with it.
        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Clients.Demo_BoardSocket.g.cs", "Velithon.Contracts.Demo.BoardSocket.g.cs", "Velithon.Handlers.Demo_BoardEndpoint.g.cs", "Velithon.Handlers.Demo_Board_Connect.g.cs"], ReEmitted(result));
        Assert.Contains("StringLengthAttribute(40)", result.GeneratedSources.Single(s => s.HintName == "Velithon.Handlers.Demo_Board_Connect.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddingAnOutboundCase_ReEmitsTheTypedSocketAndItsClientsAlone()
    {
        var compilation = GeneratorHarness.CreateCompilation(ContractFiles);
        var (driver, _, _) = GeneratorHarness.Run(compilation);
        var contract = compilation.SyntaxTrees.First();
        var next = ReplaceSource(compilation, contract, ContractFiles[0]
            .Replace("[JsonDerivedType(typeof(AskName), \"ask-name\")]", "[JsonDerivedType(typeof(AskName), \"ask-name\")]\n[JsonDerivedType(typeof(CardMoved), \"card-moved\")]", StringComparison.Ordinal)
            .Replace("public sealed record NameReply(string Name);", "public sealed record NameReply(string Name);\npublic sealed record CardMoved(int CardId) : BoardServerMessage;", StringComparison.Ordinal)
            .Replace("[JsonSerializable(typeof(NameReply))]", "[JsonSerializable(typeof(NameReply))]\n[JsonSerializable(typeof(CardMoved))]", StringComparison.Ordinal));

        var result = GeneratorHarness.Run(next, driver).Result;

        // The clients have a handler for the new case and the document a new message; the route table, the handlers
        // and the clients' map do not change.
        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Clients.Demo_BoardSocket.g.cs", "Velithon.Contracts.Demo.BoardSocket.g.cs"], ReEmitted(result));
        Assert.Contains("SendAsync(global::Demo.CardMoved message", result.GeneratedSources.Single(s => s.HintName == "Velithon.Contracts.Demo.BoardSocket.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ChangingARouteWithoutAContract_LeavesTheClientsCached()
    {
        var compilation = GeneratorHarness.CreateCompilation(ContractFiles);
        var (driver, _, _) = GeneratorHarness.Run(compilation);
        var lobby = compilation.SyntaxTrees.Last();
        var next = ReplaceSource(compilation, lobby, Lobby.Replace("/lobby", "/hall", StringComparison.Ordinal));

        var result = GeneratorHarness.Run(next, driver).Result;

        Assert.DoesNotContain(ReEmitted(result), hint => hint.StartsWith("Velithon.Clients", StringComparison.Ordinal));
        AssertStep(result, TrackingNames.ClientFiles, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void AddingAQueryValueToAContractRoute_ReEmitsItsRouteAndClientsAlone()
    {
        var compilation = GeneratorHarness.CreateCompilation(ContractFiles);
        var (driver, _, _) = GeneratorHarness.Run(compilation);
        var endpoint = compilation.SyntaxTrees.ElementAt(1);
        var next = ReplaceSource(compilation, endpoint, ContractFiles[1].Replace("BoardEndpoint(string boardId)", "BoardEndpoint(string boardId, [FromQuery] int? page)", StringComparison.Ordinal)
            .Replace("name.Name + \" on \" + boardId", "name.Name + \" on \" + boardId + page", StringComparison.Ordinal));

        var result = GeneratorHarness.Run(next, driver).Result;

        // The clients' map names files, not routes: it stays. The document describes the route's query.
        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Clients.Demo_BoardSocket.g.cs", "Velithon.Handlers.Demo_BoardEndpoint.g.cs"], ReEmitted(result));
        Assert.Contains("int? page = null", result.GeneratedSources.Single(s => s.HintName == "Velithon.Clients.Demo_BoardSocket.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ContractStepOutputs_HoldNoSymbolsSyntaxOrCompilations()
    {
        var result = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(ContractFiles)).Result;
        foreach (var (name, steps) in result.TrackedSteps.Where(step => step.Key is TrackingNames.Contracts or TrackingNames.Handlers or TrackingNames.HandlerFiles
            or TrackingNames.ClientRoutes or TrackingNames.ClientFiles or TrackingNames.ClientMap))
        {
            foreach (var output in steps.SelectMany(step => step.Outputs))
            {
                AssertNoRoslynObjects(output.Value, $"{name} output");
            }
        }
    }
}
