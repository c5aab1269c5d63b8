namespace Velithon.Generators.Tests.Contracts;

/// <summary>The generated typed socket, contract dispatch and validators, compared with approved baselines.</summary>
public sealed class ContractSnapshotTests
{
    [Fact]
    public void Board()
    {
        var hints = VerifyAll(ContractSources.Usings + ContractSources.Board);
        Assert.Equal(
            ["Velithon.AsyncApi.g.cs", "Velithon.Clients.Demo_BoardSocket.g.cs", "Velithon.Clients.g.cs", "Velithon.Contracts.Demo.BoardSocket.g.cs", "Velithon.Handlers.Demo_BoardEndpoint.g.cs", "Velithon.Handlers.Demo_Board_Connect.g.cs", "Velithon.RouteTable.g.cs", "Velithon.Routes.g.cs"],
            hints);
    }

    /// <summary>Generates from <paramref name="source"/>, checks the output compiles cleanly, and compares every file with its baseline.</summary>
    private static string[] VerifyAll(string source, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var compilation = GeneratorHarness.CreateCompilation(source);
        var (_, output, result) = GeneratorHarness.Run(compilation);
        GeneratorHarness.AssertClean(output);
        Baseline.VerifyAll(result.GeneratedSources.Select(generated => (generated.HintName, generated.SourceText.ToString())), test);
        return [.. result.GeneratedSources.Select(generated => generated.HintName).Order(StringComparer.Ordinal)];
    }
}
