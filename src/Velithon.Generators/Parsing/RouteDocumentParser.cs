using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Describes a parsed route for the AsyncAPI document: its address and typed parameters (from the template, the
/// converters and the handler's parameter types), its <c>[Authorize]</c>, the close codes it may end a connection
/// with, and its contract's messages. It reads the handler's symbols once more, in the same parse as the route
/// table's, and keeps only data.
/// </summary>
internal static class RouteDocumentParser
{
    public static RouteDocumentSpec Describe(ISymbol target, HandlerSpec handler, KnownTypes knownTypes, CancellationToken cancellationToken)
    {
        var symbols = ParameterSymbols(target, handler);
        var builder = new JsonSchemaBuilder(JsonNaming.Of(null), cancellationToken);

        var path = new List<DocumentParameterSpec>();
        foreach (var parameter in handler.Route.Parameters)
        {
            var bound = handler.Parameters.FirstOrDefault(p => p.Source == BindingSource.Route && string.Equals(p.Key, parameter.Name, StringComparison.OrdinalIgnoreCase));
            var schema = ConverterSchema(parameter.Converter)
                ?? (bound is not null && symbols.TryGetValue(bound.Name, out var symbol) ? builder.Build(ValueType(symbol.Type), nullable: false, null) : new JsonObject().Set("type", "string"));
            string description = parameter.Converter == RouteConverter.Path
                ? "The rest of the path, slashes included."
                : Describe(schema, bound?.ExpectedValue);
            path.Add(new DocumentParameterSpec(parameter.Name, schema.ToCompactString(), Required: true, description));
        }

        var query = new List<DocumentParameterSpec>();
        var headers = new List<DocumentParameterSpec>();
        foreach (var parameter in handler.Parameters)
        {
            if (parameter.Source is not (BindingSource.Query or BindingSource.Header))
            {
                continue;
            }

            var schema = symbols.TryGetValue(parameter.Name, out var symbol)
                ? builder.Build(ValueType(symbol.Type), nullable: false, symbol.GetAttributes())
                : new JsonObject().Set("type", "string");
            var spec = new DocumentParameterSpec(parameter.Key!, schema.ToCompactString(), !parameter.IsOptional, Describe(schema, parameter.ExpectedValue));
            (parameter.Source == BindingSource.Query ? query : headers).Add(spec);
        }

        ContractDocumentSpec? contract = null;
        INamedTypeSymbol? socket = null;
        if (handler.Contract is not null)
        {
            socket = SocketOf(target, knownTypes);
            if (socket is not null && ContractParser.Read(socket, knownTypes, diagnostics: null, cancellationToken) is { } shape)
            {
                contract = ContractDocumentParser.Describe(shape, cancellationToken);
            }
        }

        return new RouteDocumentSpec(
            handler.Template,
            handler.Route.Pattern.Replace("{**", "{"),
            handler.HandlerName,
            new EquatableArray<DocumentParameterSpec>(path.ToArray()),
            new EquatableArray<DocumentParameterSpec>(query.ToArray()),
            new EquatableArray<DocumentParameterSpec>(headers.ToArray()),
            Authorization(target),
            new EquatableArray<CloseCodeSpec>(CloseCodeScanner.Scan(target, handler, socket, knownTypes, cancellationToken)),
            contract);
    }

    /// <summary>The handler's parameters by name: a method's own, or the endpoint constructor's the route table calls.</summary>
    private static Dictionary<string, IParameterSymbol> ParameterSymbols(ISymbol target, HandlerSpec handler)
    {
        var result = new Dictionary<string, IParameterSymbol>(StringComparer.Ordinal);
        IEnumerable<IParameterSymbol> parameters = target switch
        {
            IMethodSymbol method => method.Parameters,
            INamedTypeSymbol type => type.InstanceConstructors
                .FirstOrDefault(c => c.Parameters.Select(static p => p.Name).SequenceEqual(handler.Parameters.Select(static p => p.Name)))?.Parameters
                ?? Enumerable.Empty<IParameterSymbol>(),
            _ => [],
        };
        foreach (var parameter in parameters)
        {
            result[parameter.Name] = parameter;
        }

        return result;
    }

    private static INamedTypeSymbol? SocketOf(ISymbol target, KnownTypes knownTypes) => target switch
    {
        IMethodSymbol method => ContractRouteParser.SocketsOf(method, knownTypes).FirstOrDefault(),
        INamedTypeSymbol type => ContractRouteParser.FindHandlers(type, knownTypes)
            .Select(h => ContractRouteParser.SocketOf(h.Method, knownTypes))
            .FirstOrDefault(static s => s is not null),
        _ => null,
    };

    /// <summary>A handshake value is text that is there or not: <c>int?</c> is an integer that may be absent, never null.</summary>
    private static ITypeSymbol ValueType(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;

    /// <summary>The type a converter asks for; null when the parameter's declared type decides.</summary>
    private static JsonObject? ConverterSchema(RouteConverter converter) => converter switch
    {
        RouteConverter.Int => new JsonObject().Set("type", "integer").Set("format", "int32"),
        RouteConverter.Long => new JsonObject().Set("type", "integer").Set("format", "int64"),
        RouteConverter.Double => new JsonObject().Set("type", "number").Set("format", "double"),
        RouteConverter.Decimal => new JsonObject().Set("type", "number"),
        RouteConverter.Bool => new JsonObject().Set("type", "boolean"),
        RouteConverter.Guid => new JsonObject().Set("type", "string").Set("format", "uuid"),
        RouteConverter.String or RouteConverter.Path => new JsonObject().Set("type", "string"),
        _ => null,
    };

    /// <summary>
    /// The route's own <c>[Authorize]</c> attributes (any <c>IAuthorizeData</c>), merged; null without one, or with
    /// <c>[AllowAnonymous]</c>, which the authorization middleware lets through whatever else the endpoint says.
    /// </summary>
    private static AuthorizationSpec? Authorization(ISymbol target)
    {
        var policies = new List<string>();
        var roles = new List<string>();
        var schemes = new List<string>();
        bool authorized = false;
        foreach (var attribute in target.GetAttributes())
        {
            var interfaces = attribute.AttributeClass?.AllInterfaces.Select(static i => i.ToDisplayString()).ToList() ?? [];
            if (interfaces.Contains("Microsoft.AspNetCore.Authorization.IAllowAnonymous"))
            {
                return null;
            }

            if (!interfaces.Contains("Microsoft.AspNetCore.Authorization.IAuthorizeData"))
            {
                continue;
            }

            authorized = true;
            if (attribute.ConstructorArguments.FirstOrDefault().Value is string policy)
            {
                policies.Add(policy);
            }

            foreach (var named in attribute.NamedArguments)
            {
                if (named.Value.Value is not string value)
                {
                    continue;
                }

                var list = named.Key switch { "Policy" => policies, "Roles" => roles, "AuthenticationSchemes" => schemes, _ => null };
                list?.AddRange(value.Split(',').Select(static v => v.Trim()).Where(static v => v.Length > 0));
            }
        }

        return authorized
            ? new AuthorizationSpec(new EquatableArray<string>(policies.Distinct().ToArray()), new EquatableArray<string>(roles.Distinct().ToArray()), new EquatableArray<string>(schemes.Distinct().ToArray()))
            : null;
    }

    /// <summary>What a valid value is, in words: the binder's own phrase ("a valid Int32"), or "Any text" for a string.</summary>
    private static string Describe(JsonObject schema, string? expected) =>
        expected is null || expected.Length == 0 || (schema.GetString("type") == "string" && schema["format"] is null && schema["enum"] is null)
            ? "Any text."
            : char.ToUpperInvariant(expected[0]) + expected.Substring(1) + ".";
}
