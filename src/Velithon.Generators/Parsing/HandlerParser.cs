using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Velithon.Generators.Diagnostics;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Turns a <c>[WebSocket]</c> method into a <see cref="HandlerSpec"/>. The generator and the analyzer
/// share it: the analyzer passes a list and reports what lands in it; the generator passes none and
/// skips a handler that has errors.
/// </summary>
internal static class HandlerParser
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Parses <paramref name="method"/>; returns <see langword="null"/> when it has any error.</summary>
    public static HandlerSpec? Parse(
        IMethodSymbol method,
        AttributeData attribute,
        KnownTypes knownTypes,
        List<Diagnostic>? diagnostics,
        CancellationToken cancellationToken)
    {
        var context = new ParseContext(method, attribute, diagnostics, cancellationToken);
        string handlerName = method.ContainingType.ToDisplayString() + "." + method.Name;
        var (template, route) = ParseTemplate(attribute, context);
        CheckSignature(method, knownTypes, handlerName, context);
        var usage = route is null ? PathParameterUsage.None : PathParameterUsage.Find(method, knownTypes, cancellationToken);
        var parameters = ParseParameters(method.Parameters, route, usage, knownTypes, handlerName, isConstructor: false, context);
        var metadata = EndpointMetadataParser.Parse(method, context);
        var sockets = ContractRouteParser.SocketsOf(method, knownTypes);
        var contract = sockets.Count == 1 ? ContractRouteParser.ParseStatic(method, sockets[0], knownTypes, handlerName, context) : null;
        bool resumable = ResumableSessionChecks.Check(method, handlerName, isContractRoute: sockets.Count > 0, context);
        if (context.HasErrors || route is null)
        {
            return null;
        }

        return new HandlerSpec(
            HandlerName: handlerName,
            ContainingTypeName: method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            MethodName: method.Name,
            ReturnsValueTask: SymbolEqualityComparer.Default.Equals(method.ReturnType, knownTypes.ValueTask),
            IdentifierName: ToIdentifier(method.ContainingType.ToDisplayString()) + "_" + method.Name,
            Template: template!,
            Route: route,
            Parameters: parameters,
            Endpoint: null,
            Metadata: metadata,
            Contract: contract,
            IsResumable: resumable);
    }


    /// <summary>Reads and parses the attribute's template, reporting VLT0001 at the fault.</summary>
    internal static (string? Template, RouteTemplateSpec? Route) ParseTemplate(AttributeData attribute, ParseContext context)
    {
        var template = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
        if (template is null)
        {
            context.Report(VelithonDiagnostics.InvalidRouteTemplate, context.TemplateLocation(0, 0), "", "it must be a constant string");
            return (null, null);
        }

        if (!RouteTemplateParser.TryParse(template, out var route, out var error))
        {
            // The slash mistakes have one right answer, which VLT0001's code fix writes: the template it would become.
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (RouteTemplateParser.FixSlashes(template) is { } fixedTemplate)
            {
                properties = properties.Add(DiagnosticProperties.FixedTemplate, fixedTemplate);
            }

            context.ReportWithProperties(VelithonDiagnostics.InvalidRouteTemplate, context.TemplateLocation(error!.Offset, error.Length), properties, template, error.Message);
            return (template, null);
        }

        return (template, route);
    }

    /// <summary>
    /// Parses the parameters of a handler method or an endpoint constructor, then matches what is left over:
    /// a route parameter no parameter takes and that <paramref name="usage"/> does not read (VLT0003), a
    /// parameter that binds from nothing (VLT0004), or the two together when their names differ only by
    /// spelling (VLT0023, one diagnostic for one mistake). A bad template (VLT0001) reports nothing more here:
    /// with no route parameters known, every parameter would look unbound.
    /// </summary>
    internal static EquatableArray<ParameterSpec> ParseParameters(
        IEnumerable<IParameterSymbol> symbols,
        RouteTemplateSpec? route,
        PathParameterUsage usage,
        KnownTypes knownTypes,
        string handlerName,
        bool isConstructor,
        ParseContext context)
    {
        var parameters = new List<ParameterSpec>();
        var usedRouteParameters = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var unbound = new List<IParameterSymbol>();
        foreach (var parameter in symbols)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (isConstructor && SymbolEqualityComparer.Default.Equals(parameter.Type, knownTypes.WebSocket))
            {
                context.Report(VelithonDiagnostics.UnsupportedParameter, parameter.Locations.FirstOrDefault(), parameter.Name,
                    "an endpoint gets its connection as the first argument of each lifecycle method; remove it from the constructor");
                continue;
            }

            if (isConstructor && ContractParser.IsContractSocket(parameter.Type, knownTypes))
            {
                context.Report(VelithonDiagnostics.UnsupportedParameter, parameter.Locations.FirstOrDefault(), parameter.Name,
                    $"an endpoint's [OnMessage] methods get the typed socket, and its lifecycle methods reach it with {parameter.Type.Name}.From(ws); remove it from the constructor");
                continue;
            }

            var spec = ParseParameter(parameter, route, knownTypes, usedRouteParameters, unbound, context);
            if (spec is not null)
            {
                parameters.Add(spec);
            }
        }

        if (route is null)
        {
            return new EquatableArray<ParameterSpec>(parameters.ToArray());
        }

        PathParameterKeys.Check(usage, route, usedRouteParameters, context);

        var unused = usage.HasUnknownReads
            ? []
            : route.Parameters.Where(p => !usedRouteParameters.Contains(p.Name)).ToList();
        foreach (var parameter in unbound)
        {
            var match = unused.FirstOrDefault(p => NameSimilarity.LookAlike(p.Name, parameter.Name));
            if (match is not null)
            {
                unused.Remove(match);
                context.Report(VelithonDiagnostics.RouteParameterNameMismatch,
                    context.TemplateLocation(match.Offset, match.Length),
                    [parameter.Locations.FirstOrDefault()],
                    match.Name, handlerName, parameter.Name);
                continue;
            }

            context.Report(VelithonDiagnostics.ParameterBindsFromNothing, parameter.Locations.FirstOrDefault(), parameter.Name);
        }

        foreach (var routeParameter in unused)
        {
            context.ReportWithProperties(VelithonDiagnostics.RouteParameterWithoutMethodParameter,
                context.TemplateLocation(routeParameter.Offset, routeParameter.Length),
                ImmutableDictionary<string, string?>.Empty
                    .Add(DiagnosticProperties.RouteParameterName, routeParameter.Name)
                    .Add(DiagnosticProperties.ParameterType, RouteConverters.ParameterType(routeParameter.Converter)),
                routeParameter.Name, handlerName);
        }

        return new EquatableArray<ParameterSpec>(parameters.ToArray());
    }

    private static void CheckSignature(IMethodSymbol method, KnownTypes knownTypes, string handlerName, ParseContext context)
    {
        var location = method.Locations.FirstOrDefault();
        if (!method.IsStatic)
        {
            context.Report(VelithonDiagnostics.HandlerMustBeStatic, location, handlerName);
        }

        if (!IsAccessible(method))
        {
            context.Report(VelithonDiagnostics.HandlerNotAccessible, location, handlerName, InaccessibleReason(method));
        }

        if (method.IsGenericMethod || IsInGenericType(method))
        {
            context.Report(VelithonDiagnostics.HandlerMustNotBeGeneric, location, handlerName);
        }

        if (!SymbolEqualityComparer.Default.Equals(method.ReturnType, knownTypes.Task)
            && !SymbolEqualityComparer.Default.Equals(method.ReturnType, knownTypes.ValueTask))
        {
            context.Report(VelithonDiagnostics.HandlerMustReturnTask, location, handlerName, method.ReturnType.ToDisplayString());
        }

        // A typed socket (a [WebSocketContract] class) is the connection too; a WebSocket may come beside it.
        int webSocketParameters = method.Parameters.Count(p => SymbolEqualityComparer.Default.Equals(p.Type, knownTypes.WebSocket));
        int contractParameters = method.Parameters.Count(p => ContractParser.IsContractSocket(p.Type, knownTypes));
        var sockets = ContractRouteParser.SocketsOf(method, knownTypes);
        if (webSocketParameters == 0 && contractParameters == 0)
        {
            context.Report(VelithonDiagnostics.HandlerMissingWebSocketParameter, location, handlerName, "add a parameter 'WebSocket ws'");
        }
        else if (webSocketParameters > 1)
        {
            context.Report(VelithonDiagnostics.HandlerMissingWebSocketParameter, location, handlerName, "remove the extra WebSocket parameters");
        }
        else if (sockets.Count > 1)
        {
            context.Report(VelithonDiagnostics.MixedContractRoute, location, handlerName,
                $"takes the contract sockets '{sockets[0].ToDisplayString()}' and '{sockets[1].ToDisplayString()}'",
                "take one of them");
        }
        else if (contractParameters > 1)
        {
            context.Report(VelithonDiagnostics.HandlerMissingWebSocketParameter, location, handlerName, $"remove the extra {sockets[0].Name} parameters");
        }
    }

    /// <summary>
    /// Parses one parameter; adds the route parameter it binds to <paramref name="usedRouteParameters"/> even
    /// when its type is wrong, so one mistake is reported once.
    /// </summary>
    private static ParameterSpec? ParseParameter(
        IParameterSymbol parameter,
        RouteTemplateSpec? route,
        KnownTypes knownTypes,
        HashSet<string> usedRouteParameters,
        List<IParameterSymbol> unbound,
        ParseContext context)
    {
        var location = parameter.Locations.FirstOrDefault();
        if (parameter.RefKind != RefKind.None || parameter.IsParams)
        {
            context.Report(VelithonDiagnostics.UnsupportedParameter, location, parameter.Name,
                "ref, out, in and params parameters cannot be bound; remove the modifier");
            return null;
        }

        var type = parameter.Type;
        var typeName = type.ToDisplayString(TypeFormat);
        if (SymbolEqualityComparer.Default.Equals(type, knownTypes.WebSocket))
        {
            return Fixed(parameter, typeName, BindingSource.WebSocket);
        }

        if (ContractParser.IsContractSocket(type, knownTypes))
        {
            return Fixed(parameter, type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeFormat), BindingSource.ContractSocket);
        }

        if (SymbolEqualityComparer.Default.Equals(type, knownTypes.CancellationToken))
        {
            return Fixed(parameter, typeName, BindingSource.CancellationToken);
        }

        if (SymbolEqualityComparer.Default.Equals(type, knownTypes.HttpContext))
        {
            return Fixed(parameter, typeName, BindingSource.HttpContext);
        }

        if (SymbolEqualityComparer.Default.Equals(type, knownTypes.ClaimsPrincipal))
        {
            return Fixed(parameter, typeName, BindingSource.User);
        }

        // Minimal APIs bind these from the request too; on a handshake the response's headers go out with the 101.
        if (SymbolEqualityComparer.Default.Equals(type, knownTypes.HttpRequest))
        {
            return Fixed(parameter, typeName, BindingSource.HttpRequest);
        }

        if (SymbolEqualityComparer.Default.Equals(type, knownTypes.HttpResponse))
        {
            return Fixed(parameter, typeName, BindingSource.HttpResponse);
        }

        // Minimal APIs bind these to the request body or form, which a WebSocket handshake does not have
        // (RFC 6455 section 4.1: the opening handshake is a GET); as services they would fail every handshake.
        if (IsBodyType(type, knownTypes))
        {
            context.Report(VelithonDiagnostics.UnsupportedParameter, location, parameter.Name,
                $"a WebSocket handshake has no request body, so '{type.ToDisplayString()}' has nothing to bind to; receive the data as messages after accepting");
            return null;
        }

        foreach (var attribute in parameter.GetAttributes())
        {
            var attributeClass = attribute.AttributeClass;
            if (attributeClass is null)
            {
                continue;
            }

            if (Implements(attributeClass, knownTypes.FromRouteMetadata))
            {
                string name = GetNameArgument(attribute) ?? parameter.Name;
                var routeParameter = route?.Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                if (route is not null && routeParameter is null)
                {
                    context.Report(VelithonDiagnostics.UnsupportedParameter, location, parameter.Name,
                        $"[FromRoute] names '{name}', which is not a parameter of the route template; add <{name}> to the template");
                    return null;
                }

                if (routeParameter is null)
                {
                    return null;
                }

                usedRouteParameters.Add(routeParameter.Name);
                return Textual(parameter, BindingSource.Route, routeParameter.Name, routeParameter, knownTypes, context);
            }

            if (Implements(attributeClass, knownTypes.FromQueryMetadata))
            {
                return Textual(parameter, BindingSource.Query, GetNameArgument(attribute) ?? parameter.Name, null, knownTypes, context);
            }

            if (Implements(attributeClass, knownTypes.FromHeaderMetadata))
            {
                return Textual(parameter, BindingSource.Header, GetNameArgument(attribute) ?? parameter.Name, null, knownTypes, context);
            }

            if (SymbolEqualityComparer.Default.Equals(attributeClass, knownTypes.FromKeyedServicesAttribute))
            {
                var key = attribute.ConstructorArguments.Length == 1 ? FormatConstant(attribute.ConstructorArguments[0]) : null;
                if (key is null)
                {
                    context.Report(VelithonDiagnostics.UnsupportedParameter, location, parameter.Name,
                        "[FromKeyedServices] needs a constant key of type string, a number, bool or an enum");
                    return null;
                }

                return Service(parameter, typeName, BindingSource.KeyedService, key);
            }

            if (Implements(attributeClass, knownTypes.FromServiceMetadata))
            {
                return Service(parameter, typeName, BindingSource.Service, null);
            }

            if (Implements(attributeClass, knownTypes.FromBodyMetadata) || Implements(attributeClass, knownTypes.FromFormMetadata))
            {
                context.Report(VelithonDiagnostics.UnsupportedParameter, location, parameter.Name,
                    "a WebSocket handshake has no body; receive the data as a message after accepting");
                return null;
            }
        }

        var implicitRoute = route?.Parameters.FirstOrDefault(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
        if (implicitRoute is not null)
        {
            usedRouteParameters.Add(implicitRoute.Name);
            return Textual(parameter, BindingSource.Route, implicitRoute.Name, implicitRoute, knownTypes, context);
        }

        if (GetParseKind(Unwrap(type), knownTypes) is not null)
        {
            // A string, number or other parsable value with no source is almost always a typo in a
            // route parameter's name or a forgotten [FromQuery]: ParseParameters says so rather than guess.
            unbound.Add(parameter);
            return null;
        }

        return Service(parameter, typeName, BindingSource.Service, null);
    }

    private static bool IsBodyType(ITypeSymbol type, KnownTypes knownTypes)
    {
        foreach (var candidate in new[] { knownTypes.Stream, knownTypes.PipeReader, knownTypes.FormFile, knownTypes.FormFileCollection, knownTypes.FormCollection })
        {
            if (candidate is not null && SymbolEqualityComparer.Default.Equals(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), candidate))
            {
                return true;
            }
        }

        return false;
    }

    private static ParameterSpec Fixed(IParameterSymbol parameter, string typeName, BindingSource source) =>
        new(parameter.Name, typeName, source, null, ParseKind.None, typeName, IsOptional: false, DefaultValue: "default", ExpectedValue: "");

    private static ParameterSpec Service(IParameterSymbol parameter, string typeName, BindingSource source, string? key)
    {
        bool optional = parameter.Type.NullableAnnotation == NullableAnnotation.Annotated || parameter.HasExplicitDefaultValue;
        var type = parameter.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        var serviceType = type.ToDisplayString(TypeFormat);
        return new(parameter.Name, typeName, source, key, ParseKind.None, serviceType, optional, "default", "",
            ServiceTypeOf: type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            ServiceDisplayName: type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat));
    }

    private static ParameterSpec? Textual(
        IParameterSymbol parameter,
        BindingSource source,
        string key,
        RouteParameterSpec? routeParameter,
        KnownTypes knownTypes,
        ParseContext context)
    {
        var location = parameter.Locations.FirstOrDefault();
        var type = parameter.Type;
        var valueType = Unwrap(type);
        var parseKind = GetParseKind(valueType, knownTypes);
        if (parseKind is null)
        {
            string sourceName = source switch
            {
                BindingSource.Route => "route",
                BindingSource.Query => "query string",
                _ => "headers",
            };
            context.Report(VelithonDiagnostics.ParameterTypeNotBindable, location, parameter.Name, type.ToDisplayString(), sourceName);
            return null;
        }

        // VLT0006 also points at the route parameter in the template, where its code fix removes the converter.
        var converter = routeParameter?.Converter ?? RouteConverter.None;
        var required = RouteConverters.RequiredSpecialType(converter);
        if (required != SpecialType.None && valueType.SpecialType != required
            || converter == RouteConverter.Guid && valueType.ToDisplayString() != "System.Guid")
        {
            context.Report(VelithonDiagnostics.RouteConverterTypeMismatch, location,
                [context.TemplateLocation(routeParameter!.Offset, routeParameter.Length)],
                key, RouteConverters.Name(converter), type.ToDisplayString(), RouteConverters.TypeName(converter));
            return null;
        }

        parseKind = valueType.SpecialType switch
        {
            SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64 => ParseKind.Integer,
            SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal => ParseKind.Float,
            _ => parseKind,
        };

        bool isNullable = type.NullableAnnotation == NullableAnnotation.Annotated || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
        bool optional = source != BindingSource.Route && (isNullable || parameter.HasExplicitDefaultValue);
        string defaultValue = parameter.HasExplicitDefaultValue ? CSharpConstants.Format(parameter.ExplicitDefaultValue, type) : "default";
        return new ParameterSpec(
            Name: parameter.Name,
            TypeName: type.ToDisplayString(TypeFormat),
            Source: source,
            Key: key,
            Parse: parseKind.Value,
            ParsedTypeName: valueType.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            IsOptional: optional,
            DefaultValue: defaultValue,
            ExpectedValue: DescribeExpected(valueType, parseKind.Value),
            ClientType: ClientValueType(valueType, parseKind.Value));
    }

    /// <summary>The TypeScript type a typed client gives a route, query or header value of <paramref name="type"/>.</summary>
    private static string ClientValueType(ITypeSymbol type, ParseKind parse) => parse switch
    {
        ParseKind.Integer or ParseKind.Float => "number",
        ParseKind.Enum => string.Join(" | ", type.GetMembers().OfType<IFieldSymbol>().Where(static f => f.HasConstantValue).Select(static f => "\"" + f.Name + "\"")),
        _ when type.SpecialType == SpecialType.System_Boolean => "boolean",
        _ => "string",
    };

    private static ITypeSymbol Unwrap(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? nullable.TypeArguments[0]
            : type;

    private static ParseKind? GetParseKind(ITypeSymbol type, KnownTypes knownTypes)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return ParseKind.None;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return ParseKind.Enum;
        }

        if (knownTypes.Parsable is not null)
        {
            foreach (var candidate in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, knownTypes.Parsable)
                    && SymbolEqualityComparer.Default.Equals(candidate.TypeArguments[0], type))
                {
                    return ParseKind.Parsable;
                }
            }
        }

        return null;
    }

    private static string DescribeExpected(ITypeSymbol type, ParseKind parseKind)
    {
        if (parseKind == ParseKind.Enum)
        {
            var members = type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).Select(f => f.Name).ToList();
            return members.Count <= 8
                ? "one of " + string.Join(", ", members)
                : "one of " + string.Join(", ", members.Take(8)) + ", ...";
        }

        return type.SpecialType switch
        {
            SpecialType.System_String => "text",
            SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64 => $"an integer ({type.Name})",
            SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal => $"a number ({type.Name})",
            SpecialType.System_Boolean => "true or false",
            _ => type.ToDisplayString() == "System.Guid" ? "a GUID" : $"a valid {type.Name}",
        };
    }

    /// <summary>A service key as C#; null when it is not a constant the generated code can write (an enum it cannot name).</summary>
    private static string? FormatConstant(TypedConstant constant) =>
        constant is { Value: not null, Type: not null }
            && (constant.Kind == TypedConstantKind.Primitive || constant.Kind == TypedConstantKind.Enum && IsAccessible(constant.Type))
            ? CSharpConstants.Format(constant.Value, constant.Type)
            : null;

    private static string? GetNameArgument(AttributeData attribute)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == "Name" && argument.Value.Value is string name && name.Length > 0)
            {
                return name;
            }
        }

        return null;
    }

    internal static bool Implements(INamedTypeSymbol type, INamedTypeSymbol? metadataInterface) =>
        metadataInterface is not null && type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, metadataInterface));

    internal static bool IsAccessible(ISymbol method)
    {
        if (!IsVisibleInAssembly(method.DeclaredAccessibility))
        {
            return false;
        }

        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (!IsVisibleInAssembly(type.DeclaredAccessibility))
            {
                return false;
            }
        }

        return !IsInFileLocalType(method);
    }

    /// <summary>
    /// Whether <paramref name="symbol"/> is, or is declared in, a <c>file</c> type. Roslyn reports such a type's
    /// accessibility as internal, but only its own file can name it, so generated code cannot (CS0400).
    /// </summary>
    internal static bool IsInFileLocalType(ISymbol symbol)
    {
        for (var type = symbol as INamedTypeSymbol ?? symbol.ContainingType; type is not null; type = type.ContainingType)
        {
            if (type.IsFileLocal)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The end of VLT0008's message: why a handler that looks internal is not accessible.</summary>
    internal static string InaccessibleReason(ISymbol symbol) =>
        IsInFileLocalType(symbol) ? "; a file-local type cannot be named outside its file" : "";

    internal static bool IsVisibleInAssembly(Accessibility accessibility) =>
        accessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;

    /// <summary>True when any type that contains <paramref name="symbol"/> is generic.</summary>
    internal static bool IsInGenericType(ISymbol symbol)
    {
        for (var type = symbol.ContainingType; type is not null; type = type.ContainingType)
        {
            if (type.IsGenericType)
            {
                return true;
            }
        }

        return false;
    }

    internal static string ToIdentifier(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            builder.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return builder.ToString();
    }
}
