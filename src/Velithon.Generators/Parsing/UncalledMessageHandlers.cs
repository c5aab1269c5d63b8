using System.Linq;
using Microsoft.CodeAnalysis;
using Velithon.Generators.Diagnostics;

namespace Velithon.Generators.Parsing;

/// <summary>
/// An <c>[OnMessage]</c> method whose class carries no <c>[WebSocket]</c>, on itself or on a method: a route
/// dispatches to the <c>[OnMessage]</c> methods its own <c>[WebSocket]</c> class declares, so such a method is never
/// called. That covers a base class of an endpoint and a class no route names. It is reported at the method
/// (VLT0050 when it takes a typed socket, else VLT0020), by the generator from its own <c>[OnMessage]</c> pipeline and
/// by the analyzer (with interned arguments, so the compiler keeps one of the two), since no route's parse reaches it: without this the handler was dropped with no word.
/// </summary>
internal static class UncalledMessageHandlers
{
    /// <summary>The diagnostic for <paramref name="method"/>, or null when a route of its class can call it.</summary>
    public static Diagnostic? Check(IMethodSymbol method, KnownTypes knownTypes)
    {
        if (knownTypes.OnMessageAttribute is null
            || knownTypes.WebSocketAttribute is null
            || method.ContainingType is not { } type
            || !method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, knownTypes.OnMessageAttribute))
            || HasRoute(type, knownTypes.WebSocketAttribute))
        {
            return null;
        }

        var location = method.Locations.FirstOrDefault();
        string typeName = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        return ContractRouteParser.SocketOf(method, knownTypes) is not null
            ? Diagnostic.Create(VelithonDiagnostics.InvalidContractHandler, location, ParseContext.Intern([method.Name,
                $"is declared in '{typeName}', which has no [WebSocket], and a route dispatches only to the [OnMessage] methods its own [WebSocket] class declares, so it is never called; declare it in the [WebSocket] class (it may call this one)"]))
            : Diagnostic.Create(VelithonDiagnostics.InvalidMessageHandler, location, ParseContext.Intern([method.Name,
                $"is declared in '{typeName}', which has no [WebSocket], and a route dispatches only to the [OnMessage] methods its own [WebSocket] class declares, so it is never called"]));
    }

    private static bool HasRoute(INamedTypeSymbol type, INamedTypeSymbol webSocketAttribute) =>
        IsRoute(type, webSocketAttribute) || type.GetMembers().Any(member => member is IMethodSymbol && IsRoute(member, webSocketAttribute));

    private static bool IsRoute(ISymbol symbol, INamedTypeSymbol webSocketAttribute) =>
        symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, webSocketAttribute));
}
