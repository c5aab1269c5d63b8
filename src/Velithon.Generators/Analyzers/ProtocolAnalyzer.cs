using Microsoft.CodeAnalysis.Diagnostics;

namespace Velithon.Generators.Analyzers;

/// <summary>
/// The start every Velithon analyzer that reads handler bodies shares: generated code is skipped, analysis runs
/// concurrently, and nothing is registered in a compilation that does not reference Velithon (where
/// <see cref="WebSocketSymbols.Find"/> finds no <c>WebSocket</c>).
/// </summary>
public abstract class ProtocolAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (WebSocketSymbols.Find(start.Compilation) is { } symbols)
            {
                Start(start, symbols);
            }
        });
    }

    /// <summary>Registers the analyzer's actions in a compilation that references Velithon.</summary>
    private protected abstract void Start(CompilationStartAnalysisContext start, WebSocketSymbols symbols);
}
