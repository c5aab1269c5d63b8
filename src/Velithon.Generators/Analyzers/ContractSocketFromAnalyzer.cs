using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Velithon.Generators.Diagnostics;

namespace Velithon.Generators.Analyzers;

/// <summary>
/// VLT0051: <c>TSocket.From(ws)</c> on a handler's own WebSocket where the handler's route speaks another contract, or
/// none. The route table creates a connection's typed socket before the handler runs, and only for the contract its
/// route speaks, so such a call finds none and throws on every connection; the route's contract is known here.
/// </summary>
/// <remarks>
/// Only the handler's own parameter is looked at: a <c>[WebSocket]</c> method's, or a lifecycle or
/// <c>[OnMessage]</c> method's of an endpoint class that carries <c>[WebSocket]</c> itself. A socket passed in from
/// elsewhere (a helper method's parameter, a field) may belong to any route, and is not reported.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ContractSocketFromAnalyzer : ProtocolAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(VelithonDiagnostics.ContractSocketOfAnotherRoute);

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext start, WebSocketSymbols symbols)
    {
        if (symbols.WebSocketAttribute is null || symbols.WebSocketContractAttribute is null)
        {
            return;
        }

        start.RegisterOperationAction(operationContext => Analyze(operationContext, symbols), OperationKind.Invocation);
    }

    private static void Analyze(OperationAnalysisContext context, WebSocketSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method is not { IsStatic: true, Name: "From", Parameters.Length: 1 }
            || !symbols.IsWebSocket(method.Parameters[0].Type)
            || !symbols.IsContractSocket(method.ContainingType)
            || invocation.Arguments[0].Value is not IParameterReferenceOperation { Parameter: var parameter }
            || parameter.ContainingSymbol is not IMethodSymbol handler
            || RouteOf(handler, symbols) is not { } route)
        {
            return;
        }

        var asked = method.ContainingType;
        var spoken = ContractsOf(route.Handlers, symbols);
        if (spoken.Contains(asked, SymbolEqualityComparer.Default))
        {
            return;
        }

        string askedName = asked.Name;
        string why = spoken.Count == 0
            ? $"the route '{route.Template}' speaks no contract, so its connections have no typed socket; a route speaks '{askedName}' when its handler takes '{askedName}' as a parameter ({(route.IsEndpointClass ? "the first of an [OnMessage] method" : "of the [WebSocket] method")})"
            : $"the route '{route.Template}' speaks the contract of '{spoken[0].Name}'; ask for '{spoken[0].Name}.From({parameter.Name})'";
        context.ReportDiagnostic(Diagnostic.Create(
            VelithonDiagnostics.ContractSocketOfAnotherRoute,
            invocation.Syntax.GetLocation(),
            askedName,
            parameter.Name,
            why));
    }

    /// <summary>
    /// The route <paramref name="handler"/> serves and the methods that say its contract: the method itself when it
    /// is a <c>[WebSocket]</c> method; the <c>[OnMessage]</c> methods of its class (and the classes it derives from)
    /// when the class is an endpoint class that carries <c>[WebSocket]</c>. Null for any other method.
    /// </summary>
    private static (string Template, bool IsEndpointClass, List<IMethodSymbol> Handlers)? RouteOf(IMethodSymbol handler, WebSocketSymbols symbols)
    {
        if (TemplateOf(handler, symbols) is { } methodTemplate)
        {
            return (methodTemplate, false, [handler]);
        }

        var type = handler.ContainingType;
        if (type is null || TemplateOf(type, symbols) is not { } classTemplate || !DerivesFrom(type, symbols.WebSocketEndpoint))
        {
            return null;
        }

        // Only the class's own [OnMessage] methods make its route a contract route (VLT0050: a base class's are never called).
        var handlers = type.GetMembers().OfType<IMethodSymbol>()
            .Where(m => m.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, symbols.OnMessageAttribute)))
            .ToList();
        return (classTemplate, true, handlers);
    }

    /// <summary>The typed sockets the route's handlers take: the contract its route table creates a socket for.</summary>
    private static List<INamedTypeSymbol> ContractsOf(List<IMethodSymbol> handlers, WebSocketSymbols symbols)
    {
        var contracts = new List<INamedTypeSymbol>();
        foreach (var parameter in handlers.SelectMany(h => h.Parameters))
        {
            if (parameter.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) is INamedTypeSymbol type
                && symbols.IsContractSocket(type)
                && !contracts.Contains(type, SymbolEqualityComparer.Default))
            {
                contracts.Add(type);
            }
        }

        return contracts;
    }

    private static string? TemplateOf(ISymbol symbol, WebSocketSymbols symbols) =>
        symbol.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, symbols.WebSocketAttribute)) is { } attribute
            ? attribute.ConstructorArguments.FirstOrDefault().Value as string ?? string.Empty
            : null;

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol? baseType)
    {
        for (var current = type.BaseType; current is not null && baseType is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }
}
