using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Generators.Diagnostics;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;
using Velithon.Generators.Parsing;

namespace Velithon.Generators;

/// <summary>
/// Writes the route table of an assembly's <c>[WebSocket]</c> handlers, static methods and endpoint
/// classes: one binding class per handler and one <c>MapVelithon()</c> extension method that maps them all.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class VelithonGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypeNames.WebSocketAttribute,
                static (node, _) => DeclarationParser.IsCandidate(node),
                static (attributeContext, cancellationToken) => ParseHandler(attributeContext, cancellationToken));

        var handlers = parsed
            .Where(static result => result.Handler is not null)
            .Select(static (result, _) => result.Handler!)
            .WithTrackingName(TrackingNames.Handlers);

        // A diagnostics-only output, as System.Text.Json's generator has: a handler the route table leaves out
        // fails the build even when analyzers do not run (RunAnalyzers=false). The diagnostics hold source
        // locations, so #pragma and editors treat them as the analyzer's; they never reach the route table.
        var diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .Where(static all => all.Count > 0)
            .WithTrackingName(TrackingNames.HandlerDiagnostics);

        context.RegisterSourceOutput(diagnostics, static (output, all) =>
        {
            foreach (var diagnostic in all)
            {
                output.ReportDiagnostic(diagnostic);
            }
        });
        // The referenced assemblies' route tables, so a test project's MapVelithon() maps the application's routes.
        var compilationSpec = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => ReferencedRouteTables.Describe(compilation, cancellationToken))
            .WithTrackingName(TrackingNames.ReferencedRouteTables);

        // One file per handler, each its own output, so an edit to one handler re-emits its file alone. A handler's
        // class is nested in the assembly's route table class, so no generated name can clash with one of another
        // assembly that sees this one's internals (CS0436). Its name is its own unless another handler's flattens
        // the same way: only those handlers are in the renaming, which is usually empty and so never changes.
        var renames = handlers
            .Collect()
            .Select(static (all, _) => HandlerNames.FindRenames(all))
            .WithTrackingName(TrackingNames.HandlerNames);
        var routeTableName = context.CompilationProvider
            .Select(static (compilation, _) => Emitter.PublicRouteTableName(compilation.AssemblyName ?? ""));
        var handlerFiles = handlers
            .Combine(renames)
            .Combine(routeTableName)
            .Select(static (input, _) => new HandlerFileSpec(HandlerNames.Apply(input.Left.Left, input.Left.Right), input.Right))
            .WithTrackingName(TrackingNames.HandlerFiles);
        context.RegisterSourceOutput(handlerFiles, static (output, file) => Emitter.EmitHandlerFile(output, file));

        // The route tables list templates and handler names alone, so they re-emit only when a route changes.
        var routeTable = handlerFiles
            .Select(static (file, _) => Emitter.DescribeRoute(file.Handler))
            .Collect()
            .Select(static (all, _) => new EquatableArray<RouteEntrySpec>([.. all.OrderBy(static r => r.Pattern, StringComparer.Ordinal).ThenBy(static r => r.IdentifierName, StringComparer.Ordinal)]))
            .WithTrackingName(TrackingNames.RouteTable);
        context.RegisterSourceOutput(routeTable.Combine(compilationSpec), static (output, input) => Emitter.EmitRouteTables(output, input.Left, input.Right));

        // Routes that clash (VLT0002 within the assembly, VLT0027 with a referenced assembly) are errors too, so
        // they come from this diagnostics-only output as well, equal to the analyzer's.
        // The routes hold source locations, so this step runs again on each edit; the output step sees only the
        // (usually empty) list of clashes, so it stays cached.
        var routeClashes = parsed
            .Where(static result => result.Route is not null)
            .Select(static (result, _) => result.Route!)
            .Collect()
            .Combine(compilationSpec)
            .Select(static (input, _) =>
            {
                var clashes = new List<Diagnostic>();
                RouteClashes.ReportDuplicates(input.Left, clashes.Add);
                RouteClashes.ReportClashesWithReferenced(input.Left, input.Right.ReferencedTables, clashes.Add);
                return new EquatableArray<Diagnostic>(clashes.ToArray());
            })
            .WithTrackingName(TrackingNames.RouteClashes);
        context.RegisterSourceOutput(routeClashes, static (output, all) =>
        {
            foreach (var diagnostic in all)
            {
                output.ReportDiagnostic(diagnostic);
            }
        });

        // [OnMessage] methods in a class without [WebSocket] (a base class, or a class no route names) are never called,
        // and no route's parse reaches them, so they get their own diagnostics-only output.
        var uncalledHandlers = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypeNames.OnMessageAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (attributeContext, _) => attributeContext.TargetSymbol is IMethodSymbol method
                    ? UncalledMessageHandlers.Check(method, new KnownTypes(attributeContext.SemanticModel.Compilation))
                    : null)
            .Where(static diagnostic => diagnostic is not null)
            .WithTrackingName(TrackingNames.UncalledHandlers);
        context.RegisterSourceOutput(uncalledHandlers, static (output, diagnostic) => output.ReportDiagnostic(diagnostic!));

        // The typed sockets of [WebSocketContract] classes, one file each; their errors come from a diagnostics-only
        // output as the handlers' do, so a contract the generator leaves out fails the build without analyzers too.
        var parsedContracts = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypeNames.WebSocketContractAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (attributeContext, cancellationToken) => ParseContract(attributeContext, cancellationToken));
        var contracts = parsedContracts
            .Where(static result => result.Contract is not null)
            .Select(static (result, _) => result.Contract!)
            .WithTrackingName(TrackingNames.Contracts);
        context.RegisterSourceOutput(contracts, static (output, contract) => Emitter.EmitContractFile(output, contract));
        var contractDiagnostics = parsedContracts
            .Select(static (result, _) => result.Diagnostics)
            .Where(static all => all.Count > 0)
            .WithTrackingName(TrackingNames.ContractDiagnostics);
        context.RegisterSourceOutput(contractDiagnostics, static (output, all) =>
        {
            foreach (var diagnostic in all)
            {
                output.ReportDiagnostic(diagnostic);
            }
        });

        // The typed clients of each contract, with the routes of this assembly that speak it: a TypeScript module
        // and its declarations (as constants, served by MapVelithonClients() and written by the build), and a C#
        // client class. A route's client description holds no symbols, so an edit elsewhere leaves it cached.
        var clientRoutes = handlers
            .Select(static (handler, _) => ClientParser.DescribeRoute(handler))
            .Where(static route => route is not null)
            .Collect()
            .WithTrackingName(TrackingNames.ClientRoutes);
        var clientsClassName = context.CompilationProvider
            .Select(static (compilation, _) => Emitter.ClientsClassName(compilation.AssemblyName ?? ""));
        var clientFiles = parsedContracts
            .Where(static result => result.Client is not null)
            .Select(static (result, _) => (Client: result.Client!, SocketTypeName: result.Contract!.TypeName))
            .Combine(clientRoutes)
            .Combine(clientsClassName)
            .Select(static (input, _) => new ClientFileSpec(
                ClientParser.WithRoutes(input.Left.Left.Client, input.Left.Right!, input.Left.Left.SocketTypeName),
                input.Right,
                HandlerParser.ToIdentifier(input.Left.Left.Client.SocketDisplayName)))
            .WithTrackingName(TrackingNames.ClientFiles);
        context.RegisterSourceOutput(clientFiles, static (output, file) => Emitter.EmitClientFile(output, file));
        var clientEntries = clientFiles
            .Select(static (file, _) => new ClientEntrySpec(file.Identifier, file.Contract.SocketName, file.Contract.SocketDisplayName))
            .Collect()
            .Select(static (all, _) => new EquatableArray<ClientEntrySpec>([.. all.OrderBy(static e => e.SocketDisplayName, StringComparer.Ordinal)]))
            .WithTrackingName(TrackingNames.ClientMap);
        var assemblyName = context.CompilationProvider.Select(static (compilation, _) => compilation.AssemblyName ?? "");
        context.RegisterSourceOutput(clientEntries.Combine(assemblyName), static (output, input) => Emitter.EmitClientMap(output, input.Left, input.Right));

        // The AsyncAPI document of the assembly's routes, a constant of its route table, compared with the approved
        // copy (an AdditionalFiles item with VelithonAsyncApi="approved") for changes that break existing clients.
        var routeDocuments = parsed
            .Where(static result => result.Document is not null)
            .Select(static (result, _) => result.Document!)
            .Collect()
            .Select(static (all, _) => new EquatableArray<RouteDocumentSpec>([.. all.OrderBy(static r => r.Address, StringComparer.Ordinal).ThenBy(static r => r.HandlerName, StringComparer.Ordinal)]))
            .WithTrackingName(TrackingNames.RouteDocuments);
        var approved = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Where(static input => AsyncApi.ApprovedDocument.IsApproved(input.Right.GetOptions(input.Left)))
            .Select(static (input, cancellationToken) => new AsyncApi.ApprovedDocument(input.Left.Path, input.Left.GetText(cancellationToken)?.ToString() ?? ""))
            .Collect()
            .WithTrackingName(TrackingNames.ApprovedDocument);
        var assembly = context.CompilationProvider
            .Select(static (compilation, _) => (Name: compilation.AssemblyName ?? "", Version: compilation.Assembly.Identity.Version.ToString()));
        var document = routeDocuments
            .Combine(assembly)
            .Combine(approved)
            .WithTrackingName(TrackingNames.AsyncApiDocument);
        context.RegisterSourceOutput(document, static (output, input) =>
            Emitter.EmitAsyncApi(output, input.Left.Left, input.Left.Right.Name, input.Left.Right.Version, input.Right));
    }

    private static ParsedContract ParseContract(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol socket)
        {
            return ParsedContract.Empty;
        }

        var diagnostics = new List<Diagnostic>();
        var knownTypes = new KnownTypes(context.SemanticModel.Compilation);
        var contract = ContractParser.Parse(socket, knownTypes, diagnostics, cancellationToken, out var shape);
        var client = contract is null ? null : ClientParser.Describe(shape!, contract, knownTypes, cancellationToken);
        return new ParsedContract(contract, client, new EquatableArray<Diagnostic>(diagnostics.ToArray()));
    }

    private static ParsedHandler ParseHandler(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.Attributes.Length == 0)
        {
            return ParsedHandler.Empty;
        }

        var knownTypes = new KnownTypes(context.SemanticModel.Compilation);
        var diagnostics = new List<Diagnostic>();
        var handler = DeclarationParser.Parse(context.TargetSymbol, context.Attributes[0], knownTypes, diagnostics, cancellationToken);
        var route = RouteClashes.Describe(context.TargetSymbol, context.Attributes[0], cancellationToken);
        var document = handler is null ? null : RouteDocumentParser.Describe(context.TargetSymbol, handler, knownTypes, cancellationToken);
        return new ParsedHandler(handler, new EquatableArray<Diagnostic>(diagnostics.ToArray()), route, document);
    }
}
