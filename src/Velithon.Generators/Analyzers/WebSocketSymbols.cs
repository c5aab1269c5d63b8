using System.Linq;
using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Analyzers;

/// <summary>
/// The Velithon types the protocol analyzers recognize, resolved once per compilation; <see cref="Find"/>
/// returns null in a compilation that does not reference Velithon, so the analyzers register nothing there.
/// </summary>
internal sealed class WebSocketSymbols
{
    private WebSocketSymbols(Compilation compilation, INamedTypeSymbol webSocket)
    {
        WebSocket = webSocket;
        WebSocketEndpoint = compilation.GetTypeByMetadataName(KnownTypeNames.WebSocketEndpoint);
        WebSocketAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.WebSocketAttribute);
        CloseException = compilation.GetTypeByMetadataName("Velithon.WebSocketCloseException");
        DisconnectException = compilation.GetTypeByMetadataName("Velithon.WebSocketDisconnectException");
        OnMessageAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.OnMessageAttribute);
        WebSocketContractAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.WebSocketContractAttribute);
    }

    public INamedTypeSymbol WebSocket { get; }

    public INamedTypeSymbol? WebSocketEndpoint { get; }

    public INamedTypeSymbol? WebSocketAttribute { get; }

    public INamedTypeSymbol? CloseException { get; }

    public INamedTypeSymbol? DisconnectException { get; }

    public INamedTypeSymbol? OnMessageAttribute { get; }

    public INamedTypeSymbol? WebSocketContractAttribute { get; }

    public static WebSocketSymbols? Find(Compilation compilation) =>
        compilation.GetTypeByMetadataName(KnownTypeNames.WebSocket) is { } webSocket ? new WebSocketSymbols(compilation, webSocket) : null;

    /// <summary>True when <paramref name="method"/> is, or overrides, the <c>WebSocket</c> method <paramref name="name"/>.</summary>
    public bool IsWebSocketMethod(IMethodSymbol method, string name)
    {
        if (method.Name != name)
        {
            return false;
        }

        for (var current = method; current is not null; current = current.OverriddenMethod)
        {
            if (SymbolEqualityComparer.Default.Equals(current.ContainingType, WebSocket))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for the sends and receives of a <c>WebSocket</c>, which throw once it is closed.</summary>
    public bool IsSendOrReceive(IMethodSymbol method) =>
        method.Name is "SendTextAsync" or "SendBytesAsync" or "SendJsonAsync" or "ReceiveAsync" or "ReceiveTextAsync"
            or "ReceiveBytesAsync" or "ReceiveJsonAsync" or "ReceiveTextMessagesAsync"
        && IsWebSocketMethod(method, method.Name);

    /// <summary>True when <paramref name="type"/> is Velithon's <c>WebSocket</c> or derives from it.</summary>
    public bool IsWebSocket(ITypeSymbol? type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, WebSocket))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True for code the runtime runs once per connection: a <c>[WebSocket]</c> handler method, or any method of a
    /// class deriving from <c>WebSocketEndpoint</c> (lifecycle overrides, <c>[OnMessage]</c> methods, constructors).
    /// </summary>
    public bool IsHandlerCode(ISymbol? symbol)
    {
        if (symbol is not IMethodSymbol method)
        {
            return false;
        }

        if (WebSocketAttribute is not null && IsHandlerMethod(method))
        {
            return true;
        }

        for (var type = method.ContainingType?.BaseType; type is not null && WebSocketEndpoint is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type, WebSocketEndpoint))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for a method marked <c>[WebSocket]</c>: the runtime answers its handshake with what it does.</summary>
    public bool IsHandlerMethod(IMethodSymbol method) =>
        method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, WebSocketAttribute));

    /// <summary>True for a typed socket: a class with <c>[WebSocketContract]</c>.</summary>
    public bool IsContractSocket(ITypeSymbol? type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Class } && WebSocketContractAttribute is not null
        && type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, WebSocketContractAttribute));
}
