using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Velithon.Generators.Diagnostics;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Turns a <c>[WebSocket]</c> class deriving from <c>WebSocketEndpoint</c> into a <see cref="HandlerSpec"/>:
/// its constructor's parameters, whether it takes binary messages, and its typed JSON messages. Shared by
/// the generator and the analyzer, like <see cref="HandlerParser"/>.
/// </summary>
internal static class EndpointClassParser
{
    // The lifecycle of WebSocketEndpoint, by name, with the declaration a user should write.
    private static readonly Dictionary<string, string> LifecycleMethods = new(StringComparer.Ordinal)
    {
        ["OnConnectAsync"] = "public override ValueTask OnConnectAsync(WebSocket ws)",
        ["OnConnectCompleteAsync"] = "public override ValueTask OnConnectCompleteAsync(WebSocket ws)",
        ["OnReceiveAsync"] = "public override ValueTask OnReceiveAsync(WebSocket ws, string data)",
        ["OnReceiveBytesAsync"] = "public override ValueTask OnReceiveBytesAsync(WebSocket ws, ReadOnlyMemory<byte> data)",
        ["OnDisconnectAsync"] = "public override ValueTask OnDisconnectAsync(WebSocket ws)",
        ["OnErrorAsync"] = "public override ValueTask OnErrorAsync(WebSocket ws, Exception exception)",
        ["OnConnect"] = "public override ValueTask OnConnectAsync(WebSocket ws)",
        ["OnConnectComplete"] = "public override ValueTask OnConnectCompleteAsync(WebSocket ws)",
        ["OnReceive"] = "public override ValueTask OnReceiveAsync(WebSocket ws, string data)",
        ["OnDisconnect"] = "public override ValueTask OnDisconnectAsync(WebSocket ws)",
        ["OnError"] = "public override ValueTask OnErrorAsync(WebSocket ws, Exception exception)",
    };

    /// <summary>Parses <paramref name="type"/>; returns <see langword="null"/> when it has any error.</summary>
    public static HandlerSpec? Parse(
        INamedTypeSymbol type,
        AttributeData attribute,
        KnownTypes knownTypes,
        List<Diagnostic>? diagnostics,
        CancellationToken cancellationToken)
    {
        var context = new ParseContext(type, attribute, diagnostics, cancellationToken);
        string handlerName = type.ToDisplayString();
        var location = type.Locations.FirstOrDefault();
        var (template, route) = HandlerParser.ParseTemplate(attribute, context);

        if (!DerivesFrom(type, knownTypes.WebSocketEndpoint))
        {
            context.Report(VelithonDiagnostics.EndpointMustDeriveFromWebSocketEndpoint, location, handlerName);
            return null;
        }

        bool instantiable = !type.IsStatic && !type.IsAbstract;
        if (!instantiable)
        {
            context.Report(VelithonDiagnostics.EndpointClassNotInstantiable, location, handlerName, type.IsStatic ? "static" : "abstract");
        }

        if (!HandlerParser.IsAccessible(type))
        {
            context.Report(VelithonDiagnostics.HandlerNotAccessible, location, handlerName, HandlerParser.InaccessibleReason(type));
        }

        if (type.IsGenericType || HandlerParser.IsInGenericType(type))
        {
            context.Report(VelithonDiagnostics.HandlerMustNotBeGeneric, location, handlerName);
        }

        // An abstract or static class has no constructor worth reporting on: VLT0014 says it all.
        var constructor = instantiable ? FindConstructor(type, knownTypes, handlerName, context) : null;
        // A route parameter the class reads through ws.PathParameters in any member counts as used, as in a
        // static handler's body: the class is the handler.
        var usage = route is null || !instantiable ? PathParameterUsage.None : PathParameterUsage.Find(type, knownTypes, cancellationToken);
        var parameters = HandlerParser.ParseParameters(
            constructor?.Parameters ?? [], route, usage, knownTypes, handlerName, isConstructor: true, context);
        CheckLifecycleMethods(type, knownTypes, context);
        var (endpoint, contract) = ParseReceivers(type, knownTypes, handlerName, context);
        var metadata = EndpointMetadataParser.Parse(type, context);
        bool resumable = ResumableSessionChecks.Check(type, handlerName, isContractRoute: contract is not null, context);

        if (context.HasErrors || route is null || endpoint is null || constructor is null)
        {
            return null;
        }

        return new HandlerSpec(
            HandlerName: handlerName,
            ContainingTypeName: type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            MethodName: "",
            ReturnsValueTask: false,
            IdentifierName: HandlerParser.ToIdentifier(handlerName),
            Template: template!,
            Route: route,
            Parameters: parameters,
            Endpoint: endpoint,
            Metadata: metadata,
            Contract: contract,
            IsResumable: resumable);
    }

    private static IMethodSymbol? FindConstructor(INamedTypeSymbol type, KnownTypes knownTypes, string handlerName, ParseContext context)
    {
        var usable = type.InstanceConstructors.Where(c => HandlerParser.IsVisibleInAssembly(c.DeclaredAccessibility)).ToList();
        if (usable.Count == 1)
        {
            return usable[0];
        }

        var location = type.Locations.FirstOrDefault();
        if (usable.Count == 0)
        {
            context.Report(VelithonDiagnostics.EndpointConstructorNotUsable, location, handlerName,
                "has no public or internal constructor; add one so the route table can create an instance per connection");
            return null;
        }

        var marked = usable
            .Where(c => c.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, knownTypes.ActivatorUtilitiesConstructorAttribute)))
            .ToList();
        if (marked.Count == 1)
        {
            return marked[0];
        }

        context.Report(VelithonDiagnostics.EndpointConstructorNotUsable, location, handlerName,
            $"has {usable.Count} constructors{(marked.Count > 1 ? $", {marked.Count} of them marked" : "")}; mark exactly one [ActivatorUtilitiesConstructor] to choose the one the route table calls");
        return null;
    }

    /// <summary>
    /// Reports methods that look like lifecycle methods but are not overrides, so would never run (VLT0016). The
    /// name alone is a guess (<c>void OnError(string message)</c> is a fine helper), so only a method that also
    /// takes the connection first or returns a task counts, and the rule is a warning.
    /// </summary>
    private static void CheckLifecycleMethods(INamedTypeSymbol type, KnownTypes knownTypes, ParseContext context)
    {
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (method.MethodKind == MethodKind.Ordinary
                && !method.IsOverride
                && LifecycleMethods.TryGetValue(method.Name, out var declaration)
                && (method.Parameters.FirstOrDefault() is { } first && SymbolEqualityComparer.Default.Equals(first.Type, knownTypes.WebSocket)
                    || SymbolEqualityComparer.Default.Equals(method.ReturnType, knownTypes.ValueTask)
                    || SymbolEqualityComparer.Default.Equals(method.ReturnType, knownTypes.Task)))
            {
                context.Report(VelithonDiagnostics.LifecycleMethodNotOverride, method.Locations.FirstOrDefault(), method.Name, declaration);
            }
        }
    }

    /// <summary>
    /// VLT0050 at the endpoint for each contract <c>[OnMessage]</c> method a compiled base class (of a referenced
    /// assembly) declares: the dispatch is generated from the methods the <c>[WebSocket]</c> class declares itself, so
    /// those are never called (and a class that inherits them all would be mapped as a plain endpoint). A base class in
    /// source has its own methods reported where they are declared (<see cref="UncalledMessageHandlers"/>).
    /// </summary>
    private static void ReportInheritedContractHandlers(INamedTypeSymbol type, KnownTypes knownTypes, ParseContext context)
    {
        for (var current = type.BaseType;
             current is not null && current.SpecialType != SpecialType.System_Object && !SymbolEqualityComparer.Default.Equals(current, knownTypes.WebSocketEndpoint);
             current = current.BaseType)
        {
            if (current.Locations.Any(static l => l.IsInSource))
            {
                continue;
            }

            foreach (var (method, _) in ContractRouteParser.FindHandlers(current, knownTypes))
            {
                if (ContractRouteParser.SocketOf(method, knownTypes) is not null)
                {
                    context.Report(VelithonDiagnostics.InvalidContractHandler, method.Locations.FirstOrDefault(static l => l.IsInSource) ?? type.Locations.FirstOrDefault(), method.Name,
                        $"is declared in '{current.ToDisplayString()}', which '{type.Name}' derives from, but a route dispatches to the [OnMessage] methods its [WebSocket] class declares itself, so it is never called; declare it in '{type.Name}' (it may call the base's method)");
                }
            }
        }
    }

    /// <summary>How the class takes messages; with <c>[OnMessage]</c> methods taking a typed socket, also its contract route.</summary>
    private static (EndpointSpec? Endpoint, ContractRouteSpec? Contract) ParseReceivers(INamedTypeSymbol type, KnownTypes knownTypes, string handlerName, ParseContext context)
    {
        bool receivesBytes = Overrides(type, "OnReceiveBytesAsync", knownTypes);
        bool receivesText = Overrides(type, "OnReceiveAsync", knownTypes);

        var messages = new List<MessageHandlerSpec>();
        var byDiscriminator = new Dictionary<string, IMethodSymbol>(StringComparer.Ordinal);
        ReportInheritedContractHandlers(type, knownTypes, context);
        var found = ContractRouteParser.FindHandlers(type, knownTypes);
        var handlers = found.Select(static h => (h.Method, Discriminator: h.Attribute.ConstructorArguments.FirstOrDefault().Value as string ?? "", h.Attribute)).ToList();
        var plain = new EndpointSpec(receivesBytes, JsonContextTypeName: null, Discriminator: "type", Messages: EquatableArray<MessageHandlerSpec>.Empty);
        if (handlers.Count == 0)
        {
            return (plain, null);
        }

        if (receivesText)
        {
            context.Report(VelithonDiagnostics.ConflictingTextReceivers, type.Locations.FirstOrDefault(), handlerName);
        }

        if (found.Any(h => ContractRouteParser.SocketOf(h.Method, knownTypes) is not null))
        {
            if (receivesBytes)
            {
                context.Report(VelithonDiagnostics.MixedContractRoute, type.Locations.FirstOrDefault(), handlerName,
                    "overrides OnReceiveBytesAsync, which a contract route never calls: its dispatch rejects binary messages",
                    "remove the override, or take binary data in a route without a contract");
            }

            return (plain, ContractRouteParser.ParseEndpoint(type, found, knownTypes, handlerName, context));
        }

        var (contextType, discriminatorProperty) = GetJsonContext(type, knownTypes, handlerName, context);
        var serializable = contextType is null ? [] : JsonContextTypes.Serializable(contextType, knownTypes);
        foreach (var (method, discriminator, attribute) in handlers)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var location = method.Locations.FirstOrDefault();
            var messageType = CheckMessageHandler(method, discriminator, knownTypes, context);
            if (messageType is null)
            {
                continue;
            }

            if (byDiscriminator.TryGetValue(discriminator, out var first))
            {
                context.Report(VelithonDiagnostics.DuplicateMessageType, location, discriminator, first.Name, method.Name);
                continue;
            }

            byDiscriminator.Add(discriminator, method);
            if (contextType is not null && !serializable.Contains(messageType.WithNullableAnnotation(NullableAnnotation.NotAnnotated)))
            {
                context.ReportWithProperties(VelithonDiagnostics.MessageTypeWithoutJsonMetadata, location,
                    JsonContextTypes.MissingMetadataProperties(contextType, messageType),
                    messageType.ToDisplayString(), method.Name, contextType.ToDisplayString());
                continue;
            }

            messages.Add(new MessageHandlerSpec(
                discriminator,
                method.Name,
                messageType.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                ReturnsTask: SymbolEqualityComparer.Default.Equals(method.ReturnType, knownTypes.Task)));
        }

        if (contextType is null)
        {
            return (null, null);
        }

        return (new EndpointSpec(
            receivesBytes,
            contextType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            discriminatorProperty,
            new EquatableArray<MessageHandlerSpec>([.. messages.OrderBy(m => m.Discriminator, StringComparer.Ordinal)])), null);
    }

    /// <summary>Checks an <c>[OnMessage]</c> method's shape; returns its message type when it is right.</summary>
    private static ITypeSymbol? CheckMessageHandler(IMethodSymbol method, string discriminator, KnownTypes knownTypes, ParseContext context)
    {
        string? problem = null;
        if (discriminator.Length == 0)
        {
            problem = "needs a non-empty message type";
        }
        else if (method.IsStatic)
        {
            problem = "must not be static";
        }
        else if (!HandlerParser.IsVisibleInAssembly(method.DeclaredAccessibility))
        {
            problem = "must be public or internal";
        }
        else if (method.IsGenericMethod)
        {
            problem = "must not be generic";
        }
        else if (method.Parameters.Length != 2
            || !SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, knownTypes.WebSocket)
            || method.Parameters.Any(p => p.RefKind != RefKind.None))
        {
            problem = "must take exactly (WebSocket ws, TMessage message)";
        }
        else if (!SymbolEqualityComparer.Default.Equals(method.ReturnType, knownTypes.ValueTask)
            && !SymbolEqualityComparer.Default.Equals(method.ReturnType, knownTypes.Task))
        {
            problem = $"returns '{method.ReturnType.ToDisplayString()}' but must return ValueTask or Task";
        }

        if (problem is not null)
        {
            context.Report(VelithonDiagnostics.InvalidMessageHandler, method.Locations.FirstOrDefault(), method.Name, problem);
            return null;
        }

        return method.Parameters[1].Type;
    }

    private static (INamedTypeSymbol? Context, string Discriminator) GetJsonContext(INamedTypeSymbol type, KnownTypes knownTypes, string handlerName, ParseContext context)
    {
        var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, knownTypes.JsonMessagesAttribute));
        if (attribute is null)
        {
            context.Report(VelithonDiagnostics.JsonMessagesContextMissing, type.Locations.FirstOrDefault(), handlerName, "no [JsonMessages] attribute");
            return (null, "type");
        }

        string discriminator = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Discriminator").Value.Value as string ?? "type";
        if (attribute.ConstructorArguments.FirstOrDefault().Value is not INamedTypeSymbol contextType
            || !DerivesFrom(contextType, knownTypes.JsonSerializerContext))
        {
            var shown = attribute.ConstructorArguments.FirstOrDefault().Value is ITypeSymbol other ? $"'{other.ToDisplayString()}'" : "its [JsonMessages] type";
            context.Report(VelithonDiagnostics.JsonMessagesContextMissing, type.Locations.FirstOrDefault(), handlerName, $"{shown} is not a JsonSerializerContext");
            return (null, discriminator);
        }

        return (contextType, discriminator);
    }

    /// <summary>True when <paramref name="type"/> or a class between it and WebSocketEndpoint overrides <paramref name="name"/>.</summary>
    private static bool Overrides(INamedTypeSymbol type, string name, KnownTypes knownTypes)
    {
        for (var current = type; current is not null && !SymbolEqualityComparer.Default.Equals(current, knownTypes.WebSocketEndpoint); current = current.BaseType)
        {
            if (current.GetMembers(name).OfType<IMethodSymbol>().Any(m => m.IsOverride))
            {
                return true;
            }
        }

        return false;
    }

    internal static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol? baseType)
    {
        if (baseType is null)
        {
            return false;
        }

        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }
}
