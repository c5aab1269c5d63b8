using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Velithon.Generators.Diagnostics;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Checks the keys a handler reads through <c>ws.PathParameters</c> against its route template: a key the
/// template lacks is VLT0022, and a read key marks its route parameter used (no VLT0003).
/// </summary>
internal static class PathParameterKeys
{
    /// <summary>Adds the route parameters the reads use to <paramref name="usedRouteParameters"/>; reports the keys the template lacks.</summary>
    public static void Check(PathParameterUsage usage, RouteTemplateSpec route, HashSet<string> usedRouteParameters, ParseContext context)
    {
        // RouteValueDictionary compares keys ignoring case, so a read does too.
        var missing = new List<PathParameterRead>();
        foreach (var read in usage.Reads)
        {
            if (route.Parameters.Any(p => string.Equals(p.Name, read.Key, StringComparison.OrdinalIgnoreCase)))
            {
                usedRouteParameters.Add(read.Key);
            }
            else
            {
                missing.Add(read);
            }
        }

        // A key spelled like a route parameter that nothing else uses is a typo of it: one VLT0022 names the
        // parameter (the rule of VLT0023), and that parameter is not reported unused (VLT0003) as well.
        foreach (var read in missing)
        {
            var meant = route.Parameters.FirstOrDefault(p => !usedRouteParameters.Contains(p.Name) && NameSimilarity.LookAlike(p.Name, read.Key));
            string fix = $"use one of them or add <{read.Key}> to the template";
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (meant is not null)
            {
                usedRouteParameters.Add(meant.Name);
                fix = $"did you mean '{meant.Name}'? Read that key, or add <{read.Key}> to the template";
                properties = properties.Add(DiagnosticProperties.MeantKey, meant.Name);
            }

            context.ReportWithProperties(VelithonDiagnostics.PathParameterNotInTemplate, read.Location, properties, read.Key, context.Template ?? "", DescribeRouteParameters(route), fix);
        }
    }

    private static string DescribeRouteParameters(RouteTemplateSpec route) =>
        route.Parameters.Count == 0
            ? "it has no parameters"
            : "its parameters are " + string.Join(", ", route.Parameters.Select(p => "'" + p.Name + "'"));
}
