using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Generators.Model;
using Velithon.Generators.Parsing;

namespace Velithon.Generators.Diagnostics;

/// <summary>
/// Routes that match the same paths: two of this assembly (VLT0002), or one of this assembly and one of a
/// referenced assembly (VLT0027). Both are errors, so the analyzer and the generator's diagnostics-only output
/// report them alike: the build fails even when analyzers do not run (RunAnalyzers=false), and the compiler
/// shows each once because the two diagnostics are equal (their arguments interned, see ParseContext.Intern).
/// </summary>
internal static class RouteClashes
{
    /// <summary>The route a <c>[WebSocket]</c> declaration adds, located at its template; null without a valid one.</summary>
    public static DeclaredRoute? Describe(ISymbol symbol, AttributeData attribute, CancellationToken cancellationToken)
    {
        if (symbol is IMethodSymbol method && DeclarationParser.DescribeUnsupported(method) is not null)
        {
            return null;
        }

        string handlerName = symbol is IMethodSymbol m ? m.ContainingType.ToDisplayString() + "." + m.Name : symbol.ToDisplayString();
        if (attribute.ConstructorArguments.Length == 1
            && attribute.ConstructorArguments[0].Value is string template
            && RouteTemplateParser.TryParse(template, out var route, out _)
            && attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList.Arguments.Count: > 0 } syntax)
        {
            return new DeclaredRoute(route!.Key, template, handlerName, syntax.ArgumentList.Arguments[0].GetLocation());
        }

        return null;
    }

    /// <summary>VLT0002 at each of two or more routes of this assembly with the same key.</summary>
    public static void ReportDuplicates(IEnumerable<DeclaredRoute> routes, Action<Diagnostic> report)
    {
        foreach (var group in routes.GroupBy(static r => r.Key, StringComparer.Ordinal))
        {
            var declared = InSourceOrder(group);
            if (declared.Count < 2)
            {
                continue;
            }

            for (int i = 0; i < declared.Count; i++)
            {
                var other = declared[i == 0 ? 1 : 0];
                report(Diagnostic.Create(
                    VelithonDiagnostics.DuplicateRoute,
                    declared[i].Location,
                    additionalLocations: [other.Location],
                    ParseContext.Intern([declared[i].Template, declared[i].HandlerName, other.Template, other.HandlerName])));
            }
        }
    }

    /// <summary>VLT0027 at each route of this assembly that matches the same paths as a referenced assembly's route.</summary>
    public static void ReportClashesWithReferenced(IEnumerable<DeclaredRoute> routes, IEnumerable<ReferencedRouteTableSpec> tables, Action<Diagnostic> report)
    {
        var referenced = Referenced(tables);
        if (referenced.Count == 0)
        {
            return;
        }

        foreach (var local in InSourceOrder(routes))
        {
            foreach (var other in referenced.Where(r => r.Key == local.Key))
            {
                report(Diagnostic.Create(
                    VelithonDiagnostics.DuplicateRouteAcrossAssemblies,
                    local.Location,
                    ParseContext.Intern([local.Template, local.HandlerName, other.Template, other.HandlerName, other.AssemblyName])));
            }
        }
    }

    /// <summary>The valid routes of the referenced route tables, with their keys.</summary>
    public static List<(string Key, string Template, string HandlerName, string AssemblyName)> Referenced(IEnumerable<ReferencedRouteTableSpec> tables)
    {
        var referenced = new List<(string Key, string Template, string HandlerName, string AssemblyName)>();
        foreach (var table in tables)
        {
            foreach (var route in table.Routes)
            {
                if (RouteTemplateParser.TryParse(route.Template, out var parsed, out _))
                {
                    referenced.Add((parsed!.Key, route.Template, route.HandlerName, table.AssemblyName));
                }
            }
        }

        return referenced;
    }

    private static List<DeclaredRoute> InSourceOrder(IEnumerable<DeclaredRoute> routes) =>
        routes
            .OrderBy(static r => r.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(static r => r.Location.SourceSpan.Start)
            .ToList();
}
