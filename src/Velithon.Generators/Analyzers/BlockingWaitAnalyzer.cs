using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Velithon.Generators.Diagnostics;

namespace Velithon.Generators.Analyzers;

/// <summary>
/// VLT0036: <c>.Result</c>, <c>.Wait()</c>, <c>Task.WaitAll/WaitAny</c> or <c>GetAwaiter().GetResult()</c> in code the
/// runtime runs per connection (a <c>[WebSocket]</c> handler, or any method of a <c>WebSocketEndpoint</c>). Each blocks
/// a thread-pool thread for the whole wait; with many connections waiting at once (for their next message, say) the
/// pool starves and every connection stalls.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingWaitAnalyzer : ProtocolAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(VelithonDiagnostics.BlockingWaitInHandler);

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext start, WebSocketSymbols symbols)
    {
        var task = start.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        var taskOfT = start.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        var valueTaskOfT = start.Compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");

        // Symbol-start: the per-connection test runs once per method, not once per operation.
        start.RegisterSymbolStartAction(
            symbolStart =>
            {
                if (!symbols.IsHandlerCode(symbolStart.Symbol))
                {
                    return;
                }

                symbolStart.RegisterOperationAction(
                    operationContext =>
                    {
                        if (Describe(operationContext.Operation, task, taskOfT, valueTaskOfT) is { } blocking)
                        {
                            operationContext.ReportDiagnostic(Diagnostic.Create(
                                VelithonDiagnostics.BlockingWaitInHandler, operationContext.Operation.Syntax.GetLocation(), blocking));
                        }
                    },
                    OperationKind.PropertyReference,
                    OperationKind.Invocation);
            },
            SymbolKind.Method);
    }

    /// <summary>How <paramref name="operation"/> blocks on a task, or null when it does not.</summary>
    private static string? Describe(IOperation operation, INamedTypeSymbol? task, INamedTypeSymbol? taskOfT, INamedTypeSymbol? valueTaskOfT)
    {
        switch (operation)
        {
            case IPropertyReferenceOperation { Property: { Name: "Result", ContainingType: var type } }
                when SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, taskOfT) || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, valueTaskOfT):
                return type.Name + ".Result";
            case IInvocationOperation { TargetMethod: { Name: "Wait" or "WaitAll" or "WaitAny" } method }
                when IsOrDerivesFrom(method.ContainingType, task):
                return method.IsStatic ? "Task." + method.Name + "(...)" : "Task.Wait()";
            case IInvocationOperation { TargetMethod: { Name: "GetResult", ContainingType: var awaiter } }
                when awaiter.Name.EndsWith("Awaiter", System.StringComparison.Ordinal)
                    && awaiter.ContainingNamespace?.ToDisplayString() == "System.Runtime.CompilerServices":
                return "GetAwaiter().GetResult()";
            default:
                return null;
        }
    }

    private static bool IsOrDerivesFrom(INamedTypeSymbol? type, INamedTypeSymbol? baseType)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }
}
