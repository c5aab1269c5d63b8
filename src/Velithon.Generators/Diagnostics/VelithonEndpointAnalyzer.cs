using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Velithon.Generators.Parsing;

namespace Velithon.Generators.Diagnostics;

/// <summary>
/// Reports what is wrong with <c>[WebSocket]</c> handlers, at the template or parameter at fault. It runs
/// the generator's own parser, so what it accepts is exactly what the generator emits. At the end of the
/// compilation it also reports duplicate routes, and an application that declares routes but never maps them.
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
        VelithonDiagnostics.ConflictingTextReceivers,
        VelithonDiagnostics.PathParameterNotInTemplate,
        VelithonDiagnostics.RouteParameterNameMismatch,
        VelithonDiagnostics.UnsupportedHandlerDeclaration,
        VelithonDiagnostics.RoutesNeverMapped,
        VelithonDiagnostics.MapVelithonMapsNothing,
        VelithonDiagnostics.DuplicateRouteAcrossAssemblies,
        VelithonDiagnostics.EndpointMetadataNotRecreated,
        VelithonDiagnostics.AttributeNotRecreated,
        VelithonDiagnostics.InvalidPolicyValue,
        VelithonDiagnostics.PolicyWeakenedWithoutReason,
        VelithonDiagnostics.InvalidContractDeclaration,
        VelithonDiagnostics.InvalidMessageSet,
        VelithonDiagnostics.InvalidContractCase,
        VelithonDiagnostics.DuplicateContractTag,
        VelithonDiagnostics.ReservedContractTag,
        VelithonDiagnostics.MissingContractHandler,
        VelithonDiagnostics.HandlerCaseNotInContract,
        VelithonDiagnostics.ContractHandlerReturnMismatch,
        VelithonDiagnostics.MixedContractRoute,
        VelithonDiagnostics.ConflictingRequestReplies,
        VelithonDiagnostics.ValidationAttributeNotRecreated,
        VelithonDiagnostics.InvalidContractHandler,
        VelithonDiagnostics.InvalidResumableSessionValue,
        VelithonDiagnostics.ResumableContractRoute);

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
            var state = new CompilationState(ReferencedRouteTables.Find(start.Compilation, start.CancellationToken));
            start.RegisterSymbolAction(
                symbolContext => AnalyzeSymbol(symbolContext, attributeType, knownTypes, state),
                SymbolKind.Method,
                SymbolKind.NamedType);

            // Symbol actions do not visit local functions and lambdas, and accessors are not handler shapes
            // either: these get VLT0024 from a syntax action instead.
            start.RegisterSyntaxNodeAction(
                nodeContext => AnalyzeNestedFunction(nodeContext, attributeType, knownTypes, state),
                SyntaxKind.LocalFunctionStatement,
                SyntaxKind.ParenthesizedLambdaExpression,
                SyntaxKind.SimpleLambdaExpression,
                SyntaxKind.GetAccessorDeclaration,
                SyntaxKind.SetAccessorDeclaration,
                SyntaxKind.InitAccessorDeclaration,
                SyntaxKind.AddAccessorDeclaration,
                SyntaxKind.RemoveAccessorDeclaration);
            start.RegisterOperationAction(operationContext => state.RecordCall((IInvocationOperation)operationContext.Operation), OperationKind.Invocation);
            start.RegisterCompilationEndAction(endContext =>
            {
                RouteClashes.ReportDuplicates(state.Routes, endContext.ReportDiagnostic);
                MappingAnalysis.ReportUnmappedRoutes(endContext, state);
                MappingAnalysis.ReportClashesWithReferencedRoutes(endContext, state);
            });
        });
    }

    private static void AnalyzeSymbol(
        SymbolAnalysisContext context,
        INamedTypeSymbol attributeType,
        KnownTypes knownTypes,
        CompilationState state)
    {
        var symbol = context.Symbol;
        if (symbol is IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.EventAdd or MethodKind.EventRemove or MethodKind.EventRaise })
        {
            return;
        }

        if (symbol is INamedTypeSymbol type && ContractParser.FindAttribute(type, knownTypes) is not null)
        {
            var contractDiagnostics = new List<Diagnostic>();
            ContractParser.Read(type, knownTypes, contractDiagnostics, context.CancellationToken);
            foreach (var diagnostic in contractDiagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }

        if (symbol is IMethodSymbol method && UncalledMessageHandlers.Check(method, knownTypes) is { } uncalled)
        {
            context.ReportDiagnostic(uncalled);
        }

        var attribute = symbol.GetAttributes()
            .FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));
        if (attribute is null)
        {
            return;
        }

        var diagnostics = new List<Diagnostic>();
        var handler = DeclarationParser.Parse(symbol, attribute, knownTypes, diagnostics, context.CancellationToken);
        state.RecordRouteAttribute(attribute, served: handler is not null, context.CancellationToken);
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }

        if (RouteClashes.Describe(symbol, attribute, context.CancellationToken) is { } route)
        {
            state.Routes.Add(route);
        }
    }

    private static void AnalyzeNestedFunction(SyntaxNodeAnalysisContext context, INamedTypeSymbol attributeType, KnownTypes knownTypes, CompilationState state)
    {
        var attributeLists = context.Node switch
        {
            LocalFunctionStatementSyntax local => local.AttributeLists,
            AnonymousFunctionExpressionSyntax lambda => lambda is LambdaExpressionSyntax l ? l.AttributeLists : default,
            AccessorDeclarationSyntax accessor => accessor.AttributeLists,
            _ => default,
        };
        if (attributeLists.Count == 0)
        {
            return;
        }

        var symbol = context.Node is AnonymousFunctionExpressionSyntax
            ? context.SemanticModel.GetSymbolInfo(context.Node, context.CancellationToken).Symbol
            : context.SemanticModel.GetDeclaredSymbol(context.Node, context.CancellationToken);
        var attribute = symbol?.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));
        if (symbol is null || attribute is null)
        {
            return;
        }

        var diagnostics = new List<Diagnostic>();
        var handler = DeclarationParser.Parse(symbol, attribute, knownTypes, diagnostics, context.CancellationToken);
        state.RecordRouteAttribute(attribute, served: handler is not null, context.CancellationToken);
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }
    }
}
