using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
        var handlers = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypeNames.WebSocketAttribute,
                static (node, _) => node is MethodDeclarationSyntax or ClassDeclarationSyntax,
                static (attributeContext, cancellationToken) => ParseHandler(attributeContext, cancellationToken))
            .Where(static handler => handler is not null)
            .Select(static (handler, _) => handler!)
            .WithTrackingName(TrackingNames.Handlers);

        var routeTable = handlers
            .Collect()
            .Select(static (all, _) => BuildRouteTable(all))
            .WithTrackingName(TrackingNames.RouteTable);

        context.RegisterSourceOutput(routeTable, static (output, table) => Emitter.Emit(output, table));
    }

    private static HandlerSpec? ParseHandler(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.Attributes.Length == 0)
        {
            return null;
        }

        var knownTypes = new KnownTypes(context.SemanticModel.Compilation);
        return context.TargetSymbol switch
        {
            IMethodSymbol method => HandlerParser.Parse(method, context.Attributes[0], knownTypes, diagnostics: null, cancellationToken),
            INamedTypeSymbol type => EndpointClassParser.Parse(type, context.Attributes[0], knownTypes, diagnostics: null, cancellationToken),
            _ => null,
        };
    }

    /// <summary>Orders handlers deterministically and gives each generated class a unique name.</summary>
    private static EquatableArray<HandlerSpec> BuildRouteTable(ImmutableArray<HandlerSpec> handlers)
    {
        var ordered = handlers
            .OrderBy(static h => h.Route.Pattern, StringComparer.Ordinal)
            .ThenBy(static h => h.HandlerName, StringComparer.Ordinal)
            .ThenBy(static h => h.Parameters.Count)
            .ToArray();

        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < ordered.Length; i++)
        {
            string name = ordered[i].IdentifierName;
            for (int suffix = 2; !taken.Add(name); suffix++)
            {
                name = ordered[i].IdentifierName + "_" + suffix;
            }

            if (name != ordered[i].IdentifierName)
            {
                ordered[i] = ordered[i] with { IdentifierName = name };
            }
        }

        return new EquatableArray<HandlerSpec>(ordered);
    }
}
