using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Velithon.Generators.Diagnostics;

namespace Velithon.Generators.Analyzers;

/// <summary>
/// VLT0034: a send or receive on a WebSocket parameter after an awaited <c>CloseAsync</c> on it in the same block.
/// Once the close returns, the connection is closed (RFC 6455 section 7.1.2: no data frame follows a close frame)
/// and both throw. Only the statements that follow the close in its own block are looked at: whatever path reaches
/// them has closed first, so a use in another branch, or before the close in a loop, is never reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UseAfterCloseAnalyzer : ProtocolAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(VelithonDiagnostics.UseAfterClose);

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext start, WebSocketSymbols symbols)
    {
        start.RegisterOperationAction(operationContext => Analyze(operationContext, symbols), OperationKind.Invocation);
    }

    private static void Analyze(OperationAnalysisContext context, WebSocketSymbols symbols)
    {
        var close = (IInvocationOperation)context.Operation;
        if (close.Instance is not IParameterReferenceOperation { Parameter: var parameter }
            || !symbols.IsWebSocketMethod(close.TargetMethod, "CloseAsync"))
        {
            return;
        }

        // await ws.CloseAsync(...); or await ws.CloseAsync(...).ConfigureAwait(false); as a statement of a block.
        IOperation awaited = close;
        if (awaited.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured && configured.Instance == awaited)
        {
            awaited = configured;
        }

        if (awaited.Parent is not IAwaitOperation { Parent: IExpressionStatementOperation { Parent: IBlockOperation block } statement })
        {
            return;
        }

        int index = block.Operations.IndexOf(statement);
        for (int i = index + 1; i < block.Operations.Length; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var next = block.Operations[i];

            // A label can be reached by a goto that did not close; an assignment makes the name another socket.
            if (next is ILabeledOperation)
            {
                return;
            }

            var found = FindUse(next, parameter, symbols, out bool reassigned);
            if (found is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    VelithonDiagnostics.UseAfterClose,
                    found.Syntax.GetLocation(),
                    $"{parameter.Name}.{found.TargetMethod.Name}",
                    parameter.Name));
                return;
            }

            if (reassigned)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The first send or receive on <paramref name="parameter"/> inside <paramref name="root"/>, in source order. Lambdas
    /// and local functions are skipped: they run when called, which may be before the close.
    /// </summary>
    private static IInvocationOperation? FindUse(IOperation root, IParameterSymbol parameter, WebSocketSymbols symbols, out bool reassigned)
    {
        reassigned = false;
        IInvocationOperation? first = null;
        var pending = new Stack<IOperation>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            switch (operation)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    continue;
                case ISimpleAssignmentOperation { Target: IParameterReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Parameter, parameter):
                    reassigned = true;
                    break;
                case IInvocationOperation { Instance: IParameterReferenceOperation instance } invocation
                    when SymbolEqualityComparer.Default.Equals(instance.Parameter, parameter) && symbols.IsSendOrReceive(invocation.TargetMethod):
                    if (first is null || invocation.Syntax.SpanStart < first.Syntax.SpanStart)
                    {
                        first = invocation;
                    }

                    break;
            }

            foreach (var child in operation.ChildOperations)
            {
                pending.Push(child);
            }
        }

        // A use after a reassignment in the same statement is ambiguous: report nothing rather than guess the order.
        return reassigned ? null : first;
    }
}
