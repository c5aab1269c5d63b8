using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// The close codes a route may end a connection with, for the document: the constant codes its own code passes to
/// <c>CloseAsync</c> or <c>WebSocketCloseException</c>, and the ones Velithon's policies send for it.
/// </summary>
/// <remarks>
/// The route's code is the endpoint class's methods, or the <c>[WebSocket]</c> method and the <c>[OnMessage]</c>
/// methods that take its typed socket; a code chosen at run time, or passed from a method of another class, is not
/// seen. The policies are the route's attributes; one set for every route by <c>VelithonOptions</c> is not known at
/// build time.
/// </remarks>
internal static class CloseCodeScanner
{
    public static CloseCodeSpec[] Scan(ISymbol target, HandlerSpec handler, INamedTypeSymbol? socket, KnownTypes knownTypes, CancellationToken cancellationToken)
    {
        var codes = new SortedDictionary<int, CloseCodeSpec>();
        void Add(int code, string description, string source)
        {
            if (!codes.ContainsKey(code))
            {
                codes.Add(code, new CloseCodeSpec(code, description, source));
            }
        }

        // The route's own code first: its reason is more telling than the runtime's description of the same code.
        foreach (var method in CodeOf(target, socket, knownTypes))
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var syntax = reference.GetSyntax(cancellationToken);
                var model = knownTypes.Compilation.GetSemanticModel(syntax.SyntaxTree);
                foreach (var node in syntax.DescendantNodes())
                {
                    if (Describe(node, model, knownTypes, cancellationToken) is { } found)
                    {
                        Add(found.Code, found.Reason ?? "Sent by " + handler.HandlerName + ".", "handler");
                    }
                }
            }
        }

        // What Velithon itself sends (docs/connection.md, "Close codes").
        Add(1000, "Normal closure: the route's code closed, or answered the client's close.", "runtime");
        Add(1001, "Going away: the server is shutting down" + (Has(target, "IdleTimeoutAttribute") ? ", or the connection was idle for longer than the route's [IdleTimeout]." : "."), "runtime");
        Add(1002, "Protocol error: the client broke RFC 6455 framing.", "runtime");
        Add(1007, "Invalid payload data: a text message that is not UTF-8" + (handler.Contract is not null && !SendsErrors(target) ? ", or an envelope whose id or payload is invalid, or a message that fails validation (InvalidMessageBehavior.Close)." : "."), "runtime");
        Add(1009, "Message too big: a message longer than the route's maximum message size.", "runtime");
        Add(1011, "Internal error: the route's code threw.", "runtime");
        if (Has(target, "MessageRateLimitAttribute"))
        {
            Add(1008, "Policy violation: the client sent faster than the route's [MessageRateLimit].", "runtime");
        }

        if (handler.Contract is not null)
        {
            if (!SendsErrors(target))
            {
                Add(1003, "Unsupported data: a binary message, or an envelope type no handler takes (InvalidMessageBehavior.Close).", "runtime");
            }

            Add(4426, "Contract version mismatch: the client offered a Velithon contract subprotocol with another version (docs/contracts.md).", "runtime");
        }
        else if (handler.Endpoint is { } endpoint && (!endpoint.ReceivesBytes || endpoint.JsonContextTypeName is not null))
        {
            Add(1003, endpoint.JsonContextTypeName is null
                ? "Unsupported data: a binary message; this endpoint takes text."
                : "Unsupported data: a binary message, or a JSON message whose type no [OnMessage] method takes.", "runtime");
        }

        return codes.Values.ToArray();
    }

    private static IEnumerable<IMethodSymbol> CodeOf(ISymbol target, INamedTypeSymbol? socket, KnownTypes knownTypes)
    {
        switch (target)
        {
            case INamedTypeSymbol type:
                return type.GetMembers().OfType<IMethodSymbol>();
            case IMethodSymbol method when socket is not null:
                return new[] { method }.Concat(ContractRouteParser.FindHandlers(method.ContainingType, knownTypes)
                    .Where(h => SymbolEqualityComparer.Default.Equals(ContractRouteParser.SocketOf(h.Method, knownTypes), socket))
                    .Select(static h => h.Method));
            case IMethodSymbol method:
                return [method];
            default:
                return [];
        }
    }

    /// <summary>The constant code (and reason) of a <c>CloseAsync</c> call or a <c>new WebSocketCloseException</c>; null for anything else.</summary>
    private static (int Code, string? Reason)? Describe(SyntaxNode node, SemanticModel model, KnownTypes knownTypes, CancellationToken cancellationToken)
    {
        ArgumentListSyntax? arguments;
        IMethodSymbol? called;
        switch (node)
        {
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "CloseAsync" } access } invocation:
                called = model.GetSymbolInfo(invocation, cancellationToken).Symbol as IMethodSymbol;

                // A typed socket derives from ContractSocket only in generated code, which the generator's own
                // compilation does not hold yet: its CloseAsync is ContractSocket's, (int code, string? reason).
                if (called is null
                    && knownTypes.ContractSocket?.GetMembers("CloseAsync").FirstOrDefault() is IMethodSymbol contractClose
                    && model.GetTypeInfo(access.Expression, cancellationToken).Type is { } receiver
                    && ContractParser.IsContractSocket(receiver, knownTypes))
                {
                    called = contractClose;
                }

                if (called?.ContainingType is null || !(IsOrDerives(called.ContainingType, knownTypes.WebSocket) || IsOrDerives(called.ContainingType, knownTypes.ContractSocket)))
                {
                    return null;
                }

                arguments = invocation.ArgumentList;
                break;
            case BaseObjectCreationExpressionSyntax creation:
                called = model.GetSymbolInfo(creation, cancellationToken).Symbol as IMethodSymbol;
                if (called?.ContainingType.ToDisplayString() != "Velithon.WebSocketCloseException")
                {
                    return null;
                }

                arguments = creation.ArgumentList;
                break;
            default:
                return null;
        }

        var code = Argument(arguments, called, "code", 0);
        int value = 1000;
        if (code is not null)
        {
            if (model.GetConstantValue(code.Expression, cancellationToken) is not { HasValue: true, Value: int constant })
            {
                return null;
            }

            value = constant;
        }

        var reason = Argument(arguments, called, "reason", 1);
        string? text = reason is not null && model.GetConstantValue(reason.Expression, cancellationToken) is { HasValue: true, Value: string constantReason } ? constantReason : null;
        return (value, text);
    }

    private static ArgumentSyntax? Argument(ArgumentListSyntax? arguments, IMethodSymbol method, string name, int position)
    {
        if (arguments is null)
        {
            return null;
        }

        var named = arguments.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == name);
        if (named is not null)
        {
            return named;
        }

        return arguments.Arguments.Count > position && arguments.Arguments[position].NameColon is null && method.Parameters.Length > position && method.Parameters[position].Name == name
            ? arguments.Arguments[position]
            : null;
    }

    private static bool IsOrDerives(INamedTypeSymbol type, INamedTypeSymbol? baseType)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Has(ISymbol target, string attributeName) =>
        target.GetAttributes().Concat(target.ContainingType?.GetAttributes() ?? []).Any(a => a.AttributeClass?.Name == attributeName);

    /// <summary>Whether the route answers invalid messages with error envelopes (<c>[InvalidMessages(SendError)]</c>) rather than closing.</summary>
    private static bool SendsErrors(ISymbol target) =>
        target.GetAttributes().Concat(target.ContainingType?.GetAttributes() ?? [])
            .Any(static a => a.AttributeClass?.Name == "InvalidMessagesAttribute" && a.ConstructorArguments.FirstOrDefault().Value is 1);
}
