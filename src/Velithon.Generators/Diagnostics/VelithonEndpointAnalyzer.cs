using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Velithon.Generators.Parsing;

namespace Velithon.Generators.Diagnostics;

/// <summary>
/// Reports what is wrong with <c>[WebSocket]</c> handlers, at the template or parameter at fault. It runs
/// the generator's own parser, so what it accepts is exactly what the generator emits.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VelithonEndpointAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        VelithonDiagnostics.InvalidRouteTemplate,
        VelithonDiagnostics.DuplicateRoute,
        VelithonDiagnostics.RouteParameterWithoutMethodParameter,
        VelithonDiagnostics.ParameterBindsFromNothing,
        VelithonDiagnostics.ParameterTypeNotBindable,
        VelithonDiagnostics.RouteConverterTypeMismatch,
        VelithonDiagnostics.HandlerMustBeStatic,
        VelithonDiagnostics.HandlerNotAccessible,
        VelithonDiagnostics.HandlerMustNotBeGeneric,
        VelithonDiagnostics.HandlerMustReturnTask,
        VelithonDiagnostics.HandlerMissingWebSocketParameter,
        VelithonDiagnostics.UnsupportedParameter,
        VelithonDiagnostics.EndpointMustDeriveFromWebSocketEndpoint,
        VelithonDiagnostics.EndpointClassNotInstantiable,
        VelithonDiagnostics.EndpointConstructorNotUsable,
        VelithonDiagnostics.LifecycleMethodNotOverride,
        VelithonDiagnostics.DuplicateMessageType,
        VelithonDiagnostics.MessageTypeWithoutJsonMetadata,
        VelithonDiagnostics.JsonMessagesContextMissing,
        VelithonDiagnostics.InvalidMessageHandler,
        VelithonDiagnostics.ConflictingTextReceivers);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var attributeType = start.Compilation.GetTypeByMetadataName(KnownTypeNames.WebSocketAttribute);
            if (attributeType is null)
            {
                return;
            }

            var knownTypes = new KnownTypes(start.Compilation);
            var routes = new ConcurrentBag<DeclaredRoute>();
            start.RegisterSymbolAction(
                symbolContext => AnalyzeHandler(symbolContext, attributeType, knownTypes, routes),
                SymbolKind.Method,
                SymbolKind.NamedType);
            start.RegisterCompilationEndAction(endContext => ReportDuplicateRoutes(endContext, routes));
        });
    }

    private static void AnalyzeHandler(
        SymbolAnalysisContext context,
        INamedTypeSymbol attributeType,
        KnownTypes knownTypes,
        ConcurrentBag<DeclaredRoute> routes)
    {
        var symbol = context.Symbol;
        var attribute = symbol.GetAttributes()
            .FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));
        if (attribute is null)
        {
            return;
        }

        var diagnostics = new List<Diagnostic>();
        string handlerName;
        if (symbol is IMethodSymbol method)
        {
            HandlerParser.Parse(method, attribute, knownTypes, diagnostics, context.CancellationToken);
            handlerName = method.ContainingType.ToDisplayString() + "." + method.Name;
        }
        else
        {
            EndpointClassParser.Parse((INamedTypeSymbol)symbol, attribute, knownTypes, diagnostics, context.CancellationToken);
            handlerName = symbol.ToDisplayString();
        }

        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }

        if (attribute.ConstructorArguments.Length == 1
            && attribute.ConstructorArguments[0].Value is string template
            && RouteTemplateParser.TryParse(template, out var route, out _)
            && attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is AttributeSyntax { ArgumentList.Arguments.Count: > 0 } syntax)
        {
            var location = syntax.ArgumentList.Arguments[0].GetLocation();
            routes.Add(new DeclaredRoute(route!.Key, template, handlerName, location));
        }
    }

    private static void ReportDuplicateRoutes(CompilationAnalysisContext context, ConcurrentBag<DeclaredRoute> routes)
    {
        foreach (var group in routes.GroupBy(static r => r.Key, StringComparer.Ordinal))
        {
            var declared = group
                .OrderBy(static r => r.Location.SourceTree?.FilePath, StringComparer.Ordinal)
                .ThenBy(static r => r.Location.SourceSpan.Start)
                .ToList();
            if (declared.Count < 2)
            {
                continue;
            }

            for (int i = 0; i < declared.Count; i++)
            {
                var other = declared[i == 0 ? 1 : 0];
                context.ReportDiagnostic(Diagnostic.Create(
                    VelithonDiagnostics.DuplicateRoute,
                    declared[i].Location,
                    additionalLocations: [other.Location],
                    declared[i].Template,
                    declared[i].HandlerName,
                    other.Template,
                    other.HandlerName));
            }
        }
    }

    private sealed record DeclaredRoute(string Key, string Template, string HandlerName, Location Location);
}
