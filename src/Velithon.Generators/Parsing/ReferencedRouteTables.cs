using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Finds the referenced assemblies that carry <c>[assembly: VelithonRouteTable]</c>: their routes are mapped
/// by this assembly's <c>MapVelithon()</c> too. Shared by the generator (to map them) and the analyzer (to
/// report routes that clash across assemblies, VLT0027).
/// </summary>
internal static class ReferencedRouteTables
{
    private const string RuntimeAssemblyName = "Velithon.Runtime";

    public static CompilationSpec Describe(Compilation compilation, CancellationToken cancellationToken) =>
        new(
            compilation.AssemblyName ?? "",
            new EquatableArray<ReferencedRouteTableSpec>(Find(compilation, cancellationToken).ToArray()),
            SeesReferencedMapVelithon(compilation, cancellationToken));

    /// <summary>The generated class that holds an assembly's <c>MapVelithon()</c>, named after the assembly.</summary>
    public static string ExtensionClassName(string assemblyName) => "VelithonEndpointRouteBuilderExtensions_" + HandlerParser.ToIdentifier(assemblyName);

    /// <summary>
    /// Whether the internal <c>MapVelithon()</c> of a referenced assembly is accessible here, which
    /// <c>[assembly: InternalsVisibleTo]</c> does (an application that lets its test project see its internals).
    /// A second <c>MapVelithon()</c> in the same namespace would make every call ambiguous (CS0121).
    /// </summary>
    private static bool SeesReferencedMapVelithon(Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!assembly.Modules.Any(static m => m.ReferencedAssemblies.Any(static r => r.Name == RuntimeAssemblyName))
                || !assembly.GivesAccessTo(compilation.Assembly))
            {
                continue;
            }

            string name = ExtensionClassName(assembly.Identity.Name);
            if (assembly.GetTypeByMetadataName(ExtensionNamespace + "." + name) is not null || assembly.GetTypeByMetadataName(name) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The namespace of <c>MapVelithon()</c>, which ASP.NET Core projects import implicitly.</summary>
    public const string ExtensionNamespace = "Microsoft.AspNetCore.Builder";

    public static List<ReferencedRouteTableSpec> Find(Compilation compilation, CancellationToken cancellationToken)
    {
        var tables = new List<ReferencedRouteTableSpec>();
        var attributeType = compilation.GetTypeByMetadataName(KnownTypeNames.VelithonRouteTableAttribute);
        if (attributeType is null)
        {
            return tables;
        }

        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Only an assembly compiled against Velithon.Runtime can carry the attribute: skip the framework's
            // hundreds of references without decoding their attributes on every edit.
            if (!assembly.Modules.Any(static m => m.ReferencedAssemblies.Any(static r => r.Name == RuntimeAssemblyName)))
            {
                continue;
            }

            foreach (var attribute in assembly.GetAttributes())
            {
                if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType)
                    || attribute.ConstructorArguments.Length != 3
                    || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol table)
                {
                    continue;
                }

                var templates = attribute.ConstructorArguments[1].Values.Select(static v => v.Value as string ?? "").ToArray();
                var handlers = attribute.ConstructorArguments[2].Values.Select(static v => v.Value as string ?? "").ToArray();
                var routes = new ReferencedRouteSpec[Math.Min(templates.Length, handlers.Length)];
                for (int i = 0; i < routes.Length; i++)
                {
                    routes[i] = new ReferencedRouteSpec(templates[i], handlers[i]);
                }

                tables.Add(new ReferencedRouteTableSpec(
                    assembly.Identity.Name,
                    table.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                    new EquatableArray<ReferencedRouteSpec>(routes)));
            }
        }

        tables.Sort(static (a, b) => string.CompareOrdinal(a.AssemblyName, b.AssemblyName));
        return tables;
    }
}
