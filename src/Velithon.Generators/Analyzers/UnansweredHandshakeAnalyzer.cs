using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Velithon.Generators.Diagnostics;

namespace Velithon.Generators.Analyzers;

/// <summary>
/// VLT0038 (information): a <c>[WebSocket]</c> handler method with a path that returns before <c>AcceptAsync</c> or
/// <c>CloseAsync</c>. The runtime then refuses the handshake with HTTP 403 and no reason, which is often meant (a
/// failed check) but reads like a bug to the client; <c>CloseAsync(code, reason)</c> says why. Endpoint classes are
/// not checked: the runtime accepts for them when <c>OnConnectAsync</c> returns.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnansweredHandshakeAnalyzer : ProtocolAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(VelithonDiagnostics.HandshakeNeitherAcceptedNorClosed);

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext start, WebSocketSymbols symbols)
    {
        if (symbols.WebSocketAttribute is null)
        {
            return;
        }

        start.RegisterOperationBlockAction(blockContext => Analyze(blockContext, symbols));
    }

    private static void Analyze(OperationBlockAnalysisContext context, WebSocketSymbols symbols)
    {
        if (context.OwningSymbol is not IMethodSymbol method
            || !symbols.IsHandlerMethod(method)
            || method.Parameters.FirstOrDefault(p => symbols.IsWebSocket(p.Type)) is not { } socket)
        {
            return;
        }

        foreach (var block in context.OperationBlocks)
        {
            var body = block switch
            {
                IMethodBodyOperation m => m.BlockBody ?? m.ExpressionBody,
                IBlockOperation b => b,
                _ => null,
            };
            if (body is null)
            {
                continue;
            }

            // Paths through goto, local functions, or lambdas that use the socket are not followed: rather than
            // guess, the handler is not checked.
            if (body.Descendants().Any(o => o is ILabeledOperation or ILocalFunctionOperation or IBranchOperation { BranchKind: BranchKind.GoTo }
                || (o is IAnonymousFunctionOperation lambda && lambda.Descendants().Any(d => d is IParameterReferenceOperation r && SymbolEqualityComparer.Default.Equals(r.Parameter, socket)))))
            {
                return;
            }

            var paths = new HandshakePaths(symbols, socket, location => context.ReportDiagnostic(Diagnostic.Create(
                VelithonDiagnostics.HandshakeNeitherAcceptedNorClosed, location, method.Name, socket.Name)));
            var (reachable, answered) = paths.Walk(body, answered: false);
            if (reachable && !answered)
            {
                paths.Report(body.Syntax is BlockSyntax braces ? braces.CloseBraceToken.GetLocation() : body.Syntax.GetLocation());
            }

            return;
        }
    }
}
