using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using Velithon.Generators.Diagnostics;

namespace Velithon.Generators.Analyzers;

/// <summary>
/// VLT0035: an endless loop (<c>while (true)</c>, <c>for (;;)</c>, <c>do ... while (true)</c>) in a handler or endpoint
/// method that awaits a receive outside any try, with no enclosing try that catches
/// <c>WebSocketDisconnectException</c> or has a finally. The client's close ends such a loop only by that exception,
/// so nothing after the loop runs: cleanup is skipped. <c>await foreach (var m in ws.ReceiveTextMessagesAsync())</c>
/// ends quietly on a normal close instead; the code fix writes it for the simple shape.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ReceiveLoopAnalyzer : ProtocolAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(VelithonDiagnostics.ReceiveLoopWithoutDisconnect);

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext start, WebSocketSymbols symbols)
    {
        start.RegisterSymbolStartAction(
            symbolStart =>
            {
                if (symbols.IsHandlerCode(symbolStart.Symbol))
                {
                    symbolStart.RegisterOperationAction(operationContext => Analyze(operationContext, symbols), OperationKind.Loop);
                }
            },
            SymbolKind.Method);
    }

    private static void Analyze(OperationAnalysisContext context, WebSocketSymbols symbols)
    {
        var loop = (ILoopOperation)context.Operation;
        bool endless = loop switch
        {
            IWhileLoopOperation { Condition.ConstantValue: { HasValue: true, Value: true } } => true,
            IForLoopOperation { Condition: null } => true,
            IForLoopOperation { Condition.ConstantValue: { HasValue: true, Value: true } } => true,
            _ => false,
        };
        if (!endless || FindReceive(loop.Body, symbols) is not { } receive || IsProtected(loop, symbols))
        {
            return;
        }

        string name = receive.Instance is { } instance ? $"{instance.Syntax}.{receive.TargetMethod.Name}" : receive.TargetMethod.Name;
        string advice = receive.TargetMethod.Name == "ReceiveTextAsync"
            ? $"write 'await foreach (var message in {receive.Instance?.Syntax}.ReceiveTextMessagesAsync())', which ends when the client closes, or catch WebSocketDisconnectException around the loop"
            : "catch WebSocketDisconnectException around the loop, or put what must run at the end in a finally";
        context.ReportDiagnostic(Diagnostic.Create(VelithonDiagnostics.ReceiveLoopWithoutDisconnect, Header(loop.Syntax), name, advice));
    }

    /// <summary>The loop's header, <c>while (true)</c> or <c>for (;;)</c>; for <c>do</c>, its condition at the end.</summary>
    private static Location Header(SyntaxNode syntax) => syntax switch
    {
        WhileStatementSyntax w => Location.Create(syntax.SyntaxTree, TextSpan.FromBounds(w.WhileKeyword.SpanStart, w.CloseParenToken.Span.End)),
        ForStatementSyntax f => Location.Create(syntax.SyntaxTree, TextSpan.FromBounds(f.ForKeyword.SpanStart, f.CloseParenToken.Span.End)),
        DoStatementSyntax d => Location.Create(syntax.SyntaxTree, TextSpan.FromBounds(d.WhileKeyword.SpanStart, d.CloseParenToken.Span.End)),
        _ => syntax.GetLocation(),
    };

    /// <summary>The first awaited receive in <paramref name="body"/> that no try inside the loop protects.</summary>
    private static IInvocationOperation? FindReceive(IOperation body, WebSocketSymbols symbols)
    {
        var pending = new Stack<IOperation>();
        pending.Push(body);
        IInvocationOperation? first = null;
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            if (operation is IAnonymousFunctionOperation or ILocalFunctionOperation or ITryOperation)
            {
                continue;
            }

            if (operation is IAwaitOperation { Operation: var awaited })
            {
                if (awaited is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
                {
                    awaited = configured;
                }

                if (awaited is IInvocationOperation { TargetMethod.Name: "ReceiveAsync" or "ReceiveTextAsync" or "ReceiveBytesAsync" or "ReceiveJsonAsync" } invocation
                    && symbols.IsWebSocketMethod(invocation.TargetMethod, invocation.TargetMethod.Name)
                    && (first is null || invocation.Syntax.SpanStart < first.Syntax.SpanStart))
                {
                    first = invocation;
                }
            }

            foreach (var child in operation.ChildOperations)
            {
                pending.Push(child);
            }
        }

        return first;
    }

    /// <summary>True when a try around the loop catches the disconnect (or any exception) or has a finally.</summary>
    private static bool IsProtected(IOperation loop, WebSocketSymbols symbols)
    {
        var child = loop;
        for (var parent = loop.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }

            if (parent is ITryOperation @try && @try.Body == child)
            {
                if (@try.Finally is not null)
                {
                    return true;
                }

                foreach (var @catch in @try.Catches)
                {
                    if (Catches(@catch.ExceptionType, symbols))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool Catches(ITypeSymbol caught, WebSocketSymbols symbols)
    {
        // catch { } and catch (object) catch everything; otherwise the disconnect or one of its base types.
        if (caught.SpecialType == SpecialType.System_Object)
        {
            return true;
        }

        for (ITypeSymbol? type = symbols.DisconnectException; type is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type, caught))
            {
                return true;
            }
        }

        return false;
    }
}
