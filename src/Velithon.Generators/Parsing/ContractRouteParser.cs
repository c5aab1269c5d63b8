using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Velithon.Generators.Diagnostics;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Reads the <c>[OnMessage]</c> handlers of a contract route: an endpoint class whose <c>[OnMessage]</c> methods take
/// <c>(TSocket, TCase)</c>, or a static <c>[WebSocket]</c> method taking a typed socket, whose handlers are the
/// <c>[OnMessage]</c> static methods of its class taking that socket. Every inbound case needs exactly one handler
/// (VLT0044, VLT0017), each handler a case of the set (VLT0045), and a request's handler returns its reply (VLT0046).
/// </summary>
internal static class ContractRouteParser
{
    /// <summary>The properties of VLT0044, which its code fix reads to write the missing handler.</summary>
    public const string SocketTypeProperty = "SocketType";

    public const string CaseTypeProperty = "CaseType";

    public const string ReplyTypeProperty = "ReplyType";

    public const string StaticProperty = "Static";

    public const string MethodNameProperty = "MethodName";

    /// <summary>The <c>[OnMessage]</c> methods of <paramref name="type"/>, with their attribute.</summary>
    public static List<(IMethodSymbol Method, AttributeData Attribute)> FindHandlers(INamedTypeSymbol type, KnownTypes knownTypes)
    {
        var handlers = new List<(IMethodSymbol, AttributeData)>();
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            var onMessage = method.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, knownTypes.OnMessageAttribute));
            if (onMessage is not null)
            {
                handlers.Add((method, onMessage));
            }
        }

        return handlers;
    }

    /// <summary>The typed socket a handler takes first; null when its first parameter is not one.</summary>
    public static INamedTypeSymbol? SocketOf(IMethodSymbol method, KnownTypes knownTypes) =>
        method.Parameters.FirstOrDefault()?.Type is INamedTypeSymbol first && ContractParser.IsContractSocket(first, knownTypes)
            ? (INamedTypeSymbol)first.WithNullableAnnotation(NullableAnnotation.NotAnnotated)
            : null;

    /// <summary>The distinct typed sockets among the parameters of a static <c>[WebSocket]</c> method.</summary>
    public static List<INamedTypeSymbol> SocketsOf(IMethodSymbol method, KnownTypes knownTypes)
    {
        var sockets = new List<INamedTypeSymbol>();
        foreach (var parameter in method.Parameters)
        {
            if (ContractParser.IsContractSocket(parameter.Type, knownTypes)
                && parameter.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) is INamedTypeSymbol socket
                && !sockets.Contains(socket, SymbolEqualityComparer.Default))
            {
                sockets.Add(socket);
            }
        }

        return sockets;
    }

    /// <summary>
    /// The contract route of an endpoint class whose <c>[OnMessage]</c> methods take a typed socket; null when it has
    /// an error (or its contract has one, which the contract reports).
    /// </summary>
    public static ContractRouteSpec? ParseEndpoint(
        INamedTypeSymbol type,
        List<(IMethodSymbol Method, AttributeData Attribute)> handlers,
        KnownTypes knownTypes,
        string handlerName,
        ParseContext context)
    {
        INamedTypeSymbol? socket = null;
        var ours = new List<(IMethodSymbol, AttributeData)>();
        foreach (var (method, attribute) in handlers)
        {
            var taken = SocketOf(method, knownTypes);
            if (taken is null)
            {
                continue;
            }

            if (socket is null)
            {
                socket = taken;
            }
            else if (!SymbolEqualityComparer.Default.Equals(socket, taken))
            {
                context.Report(VelithonDiagnostics.MixedContractRoute, method.Locations.FirstOrDefault(), handlerName,
                    $"has [OnMessage] methods taking the contract sockets '{socket.ToDisplayString()}' and '{taken.ToDisplayString()}' ('{method.Name}')",
                    $"take '{socket.Name}' in every [OnMessage] method, or move the other contract's handlers to their own endpoint class");
                continue;
            }

            ours.Add((method, attribute));
        }

        foreach (var (method, _) in handlers)
        {
            if (SocketOf(method, knownTypes) is null)
            {
                context.Report(VelithonDiagnostics.MixedContractRoute, method.Locations.FirstOrDefault(), handlerName,
                    $"has contract [OnMessage] methods taking '{socket!.ToDisplayString()}' and the [OnMessage] method '{method.Name}', which does not",
                    $"declare it '{Declaration(method.Name, socket!, "TCase", null, isStatic: false)}' with a case of the contract");
            }
        }

        if (type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, knownTypes.JsonMessagesAttribute)) is { } jsonMessages)
        {
            context.Report(VelithonDiagnostics.MixedContractRoute,
                jsonMessages.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? type.Locations.FirstOrDefault(),
                handlerName,
                $"has [JsonMessages] and contract [OnMessage] methods taking '{socket!.ToDisplayString()}'",
                "remove [JsonMessages]: the contract names its JSON context");
        }

        return Build(socket!, ours, isStatic: false, "The endpoint '" + handlerName + "'", type.Locations.FirstOrDefault(), type, knownTypes, context);
    }

    /// <summary>
    /// The contract route of a static <c>[WebSocket]</c> method taking <paramref name="socket"/>: the <c>[OnMessage]</c>
    /// static methods of its class that take the same socket.
    /// </summary>
    public static ContractRouteSpec? ParseStatic(IMethodSymbol route, INamedTypeSymbol socket, KnownTypes knownTypes, string handlerName, ParseContext context)
    {
        var type = route.ContainingType;
        var ours = new List<(IMethodSymbol, AttributeData)>();
        HashSet<INamedTypeSymbol>? routeSockets = null;
        foreach (var (method, attribute) in FindHandlers(type, knownTypes))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var taken = SocketOf(method, knownTypes);
            if (taken is null)
            {
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(taken, socket))
            {
                ours.Add((method, attribute));
                continue;
            }

            // Another route of the class may speak that contract; a handler no route calls is a mistake.
            routeSockets ??= RouteSockets(type, knownTypes);
            if (!routeSockets.Contains(taken))
            {
                context.Report(VelithonDiagnostics.InvalidContractHandler, method.Locations.FirstOrDefault(), method.Name,
                    $"takes '{taken.ToDisplayString()}', but no [WebSocket] method of '{type.ToDisplayString()}' takes that socket, so it is never called; handle the cases of '{socket.ToDisplayString()}', or add the route that speaks '{taken.Name}'");
            }
        }

        return Build(socket, ours, isStatic: true, "The route '" + handlerName + "'", route.Locations.FirstOrDefault(), type, knownTypes, context);
    }

    private static HashSet<INamedTypeSymbol> RouteSockets(INamedTypeSymbol type, KnownTypes knownTypes)
    {
        var sockets = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            if (method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, knownTypes.WebSocketAttribute)))
            {
                foreach (var parameter in method.Parameters)
                {
                    if (parameter.Type is INamedTypeSymbol named && ContractParser.IsContractSocket(named, knownTypes))
                    {
                        sockets.Add((INamedTypeSymbol)named.WithNullableAnnotation(NullableAnnotation.NotAnnotated));
                    }
                }
            }
        }

        return sockets;
    }

    private static ContractRouteSpec? Build(
        INamedTypeSymbol socket,
        List<(IMethodSymbol Method, AttributeData Attribute)> handlers,
        bool isStatic,
        string routeDescription,
        Location? routeLocation,
        INamedTypeSymbol handlerClass,
        KnownTypes knownTypes,
        ParseContext context)
    {
        if (socket.DeclaringSyntaxReferences.IsEmpty)
        {
            // Compiled into a referenced assembly: the contract's checks (and what its typed socket was generated
            // from) read its declaration, which this project cannot see, so its errors would never be reported here.
            string assembly = socket.ContainingAssembly?.Name ?? "?";
            context.Report(VelithonDiagnostics.InvalidContractDeclaration, routeLocation, socket.ToDisplayString(),
                $"is declared in the referenced assembly '{assembly}', and a route's dispatch is generated from its contract's declaration, in the project that declares it: " +
                $"declare the [WebSocketContract] class in this project (the messages and the JSON context may stay in '{assembly}' when they are public), or serve the routes from '{assembly}'");
            return null;
        }

        // The contract reports its own errors, once, at its declaration; the route is left out meanwhile.
        var shape = ContractParser.Read(socket, knownTypes, diagnostics: null, context.CancellationToken);
        if (shape is null)
        {
            context.Fail();
            return null;
        }

        var byCase = new Dictionary<INamedTypeSymbol, IMethodSymbol>(SymbolEqualityComparer.Default);
        var specs = new List<ContractHandlerSpec>();
        foreach (var (method, attribute) in handlers)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var location = method.Locations.FirstOrDefault();
            if (CheckShape(method, attribute, socket, isStatic) is { } problem)
            {
                context.Report(VelithonDiagnostics.InvalidContractHandler, location, method.Name, problem);

                // It means to handle its case: the case is not reported missing as well.
                if (method.Parameters.Length > 1 && method.Parameters[1].Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) is INamedTypeSymbol meant)
                {
                    byCase[meant] = method;
                }

                continue;
            }

            var caseType = (INamedTypeSymbol)method.Parameters[1].Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            var @case = shape.Inbound.FirstOrDefault(c => SymbolEqualityComparer.Default.Equals(c.Type, caseType));
            if (@case is null)
            {
                string what = shape.Outbound.Any(c => SymbolEqualityComparer.Default.Equals(c.Type, caseType))
                    ? "is an outbound case (the server sends it), not an inbound one"
                    : "is not an inbound case";
                context.Report(VelithonDiagnostics.HandlerCaseNotInContract, location,
                    method.Name, caseType.ToDisplayString(), what, socket.ToDisplayString(), shape.InboundSet.ToDisplayString());
                continue;
            }

            if (byCase.TryGetValue(caseType, out var first))
            {
                context.Report(VelithonDiagnostics.DuplicateMessageType, location, @case.Tag, first.Name, method.Name);
                continue;
            }

            byCase.Add(caseType, method);
            if (CheckReturn(method, @case, knownTypes) is { } mismatch)
            {
                context.Report(VelithonDiagnostics.ContractHandlerReturnMismatch, location, method.Name, method.ReturnType.ToDisplayString(), mismatch);
                continue;
            }

            specs.Add(new ContractHandlerSpec(
                ContractParser.Describe(@case),
                method.Name,
                ReturnsTask: IsTask(method.ReturnType, knownTypes),
                @case.Validator,
                ReplyMayBeNull: method.ReturnType is INamedTypeSymbol { TypeArguments.Length: 1 } returned
                    && returned.TypeArguments[0] is { IsReferenceType: true, NullableAnnotation: NullableAnnotation.Annotated }));
        }

        var taken = new HashSet<string>(handlerClass.MemberNames, StringComparer.Ordinal);
        foreach (var @case in shape.Inbound)
        {
            if (byCase.ContainsKey(@case.Type))
            {
                continue;
            }

            string methodName = "On" + @case.Type.Name;
            for (int suffix = 2; !taken.Add(methodName); suffix++)
            {
                methodName = "On" + @case.Type.Name + suffix;
            }

            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(SocketTypeProperty, socket.ToDisplayString())
                .Add(CaseTypeProperty, @case.Type.ToDisplayString())
                .Add(ReplyTypeProperty, @case.Reply?.ToDisplayString())
                .Add(StaticProperty, isStatic ? "true" : "false")
                .Add(MethodNameProperty, methodName);
            context.ReportWithProperties(VelithonDiagnostics.MissingContractHandler, routeLocation, properties,
                routeDescription, @case.Type.ToDisplayString(), @case.Tag, socket.ToDisplayString(),
                Declaration(methodName, socket, @case.Type.Name, @case.Reply?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), isStatic));
        }

        if (context.HasErrors)
        {
            return null;
        }

        return new ContractRouteSpec(
            socket.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            shape.Context.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            new EquatableArray<ContractHandlerSpec>([.. specs.OrderBy(static h => h.Case.Tag, StringComparer.Ordinal)]));
    }

    /// <summary>What is wrong with a handler's shape, ending with the declaration to write; null when it is right.</summary>
    private static string? CheckShape(IMethodSymbol method, AttributeData attribute, INamedTypeSymbol socket, bool isStatic)
    {
        string caseName = method.Parameters.Length > 1 ? method.Parameters[1].Type.Name : "TCase";
        string Fix(string problem) => $"{problem}; declare it '{Declaration(method.Name, socket, caseName, null, isStatic)}'";

        if (attribute.ConstructorArguments.FirstOrDefault().Value is string tag)
        {
            return $"names the tag '{tag}', but a contract handler takes its tag from the contract's [JsonDerivedType]; write [OnMessage] without an argument";
        }

        if (method.IsStatic != isStatic)
        {
            return Fix(isStatic
                ? "must be static, like the [WebSocket] method whose messages it handles"
                : "must not be static: each connection has its own endpoint instance");
        }

        if (!HandlerParser.IsVisibleInAssembly(method.DeclaredAccessibility))
        {
            return Fix("must be public or internal, so the generated dispatch can call it");
        }

        if (method.IsGenericMethod)
        {
            return Fix("must not be generic");
        }

        if (method.Parameters.Length != 2
            || method.Parameters.Any(static p => p.RefKind != RefKind.None)
            || method.Parameters[1].Type is not INamedTypeSymbol)
        {
            return Fix($"must take exactly ({socket.Name} socket, TCase message)");
        }

        return null;
    }

    /// <summary>Why the handler's return type does not fit its case; null when it does.</summary>
    private static string? CheckReturn(IMethodSymbol method, ContractCase @case, KnownTypes knownTypes)
    {
        var returned = method.ReturnType;
        if (@case.Reply is null)
        {
            return SymbolEqualityComparer.Default.Equals(returned, knownTypes.ValueTask) || SymbolEqualityComparer.Default.Equals(returned, knownTypes.Task)
                ? null
                : $"'{@case.Type.ToDisplayString()}' is not a request, so it has no reply to return; return ValueTask or Task, or make it a request by implementing IWebSocketRequest<TReply>";
        }

        string reply = @case.Reply.ToDisplayString();
        return returned is INamedTypeSymbol { IsGenericType: true } generic
            && (SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, knownTypes.ValueTaskOfT) || SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, knownTypes.TaskOfT))
            && SymbolEqualityComparer.Default.Equals(generic.TypeArguments[0].WithNullableAnnotation(NullableAnnotation.NotAnnotated), @case.Reply.WithNullableAnnotation(NullableAnnotation.NotAnnotated))
                ? null
                : $"'{@case.Type.ToDisplayString()}' is a request answered with '{reply}', so the reply must be what it returns; return ValueTask<{reply}> or Task<{reply}>";
    }

    private static bool IsTask(ITypeSymbol type, KnownTypes knownTypes) =>
        SymbolEqualityComparer.Default.Equals(type, knownTypes.Task)
        || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, knownTypes.TaskOfT);

    /// <summary>The declaration of a handler, as the messages and the code fix write it.</summary>
    private static string Declaration(string methodName, INamedTypeSymbol socket, string caseName, string? reply, bool isStatic) =>
        $"[OnMessage] public {(isStatic ? "static " : "")}{(reply is null ? "ValueTask" : $"ValueTask<{reply}>")} {methodName}({socket.Name} socket, {caseName} message)";
}
