using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Velithon.Generators.Parsing;

namespace Velithon.Generators.Diagnostics;

/// <summary>
/// The two ways an application ends up serving 404 to every WebSocket request with nothing in the log:
/// routes declared but <c>MapVelithon()</c> never called (VLT0025), and <c>MapVelithon()</c> called where
/// there are no routes to map (VLT0026), typically a test project whose generated <c>MapVelithon()</c> maps
/// its own (absent) routes rather than the application's. Both are warnings: the code is valid, and another
/// method of the assembly may do the mapping on its behalf.
/// </summary>
internal static class MappingAnalysis
{
    /// <summary>
    /// VLT0027: a route that matches the same paths as a route of a referenced assembly, which MapVelithon()
    /// maps too. A local route is reported at its template; two referenced routes at each MapVelithon() call.
    /// </summary>
    public static void ReportClashesWithReferencedRoutes(CompilationAnalysisContext context, CompilationState state)
    {
        var referenced = RouteClashes.Referenced(state.ReferencedTables);
        if (referenced.Count == 0)
        {
            return;
        }

        RouteClashes.ReportClashesWithReferenced(state.Routes, state.ReferencedTables, context.ReportDiagnostic);

        var mapCalls = state.MapCalls.OrderBy(static l => l.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(static l => l.SourceSpan.Start).ToList();
        for (int i = 0; i < referenced.Count; i++)
        {
            for (int j = i + 1; j < referenced.Count; j++)
            {
                if (referenced[i].Key != referenced[j].Key || referenced[i].AssemblyName == referenced[j].AssemblyName)
                {
                    continue;
                }

                foreach (var call in mapCalls)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        VelithonDiagnostics.DuplicateRouteAcrossAssemblies, call,
                        referenced[i].Template, $"{referenced[i].HandlerName} in the referenced assembly {referenced[i].AssemblyName}",
                        referenced[j].Template, referenced[j].HandlerName, referenced[j].AssemblyName));
                }
            }
        }
    }

    public static void ReportUnmappedRoutes(CompilationAnalysisContext context, CompilationState state)
    {
        // Only routes the table serves count as unmapped: a handler with errors already fails the build.
        var routes = state.ServedRouteAttributes.OrderBy(static l => l.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(static l => l.SourceSpan.Start).ToList();
        var mapCalls = state.MapCalls.OrderBy(static l => l.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(static l => l.SourceSpan.Start).ToList();
        var addCalls = state.AddCalls.OrderBy(static l => l.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(static l => l.SourceSpan.Start).ToList();

        // A library may declare routes that an application maps; an executable, or an assembly that registers
        // Velithon, is the application and has no one else to map them.
        bool isApplication = addCalls.Count > 0 || context.Compilation.Options.OutputKind is OutputKind.ConsoleApplication or OutputKind.WindowsApplication;
        if (routes.Count > 0 && mapCalls.Count == 0 && isApplication)
        {
            string declared = routes.Count == 1 ? "This assembly declares a [WebSocket] route" : $"This assembly declares {routes.Count} [WebSocket] routes";
            context.ReportDiagnostic(Diagnostic.Create(
                VelithonDiagnostics.RoutesNeverMapped,
                addCalls.Count > 0 ? addCalls[0] : routes[0],
                additionalLocations: addCalls.Count > 0 ? [routes[0]] : [],
                declared));
        }
        else if (routes.Count == 0 && state.RouteAttributes.IsEmpty && mapCalls.Count == 0 && addCalls.Count > 0)
        {
            // An application whose routes all come from referenced projects: its MapVelithon() maps them, and
            // nothing else will. Reported at AddVelithon() only: without it there is no place to report, and a
            // program that does not register Velithon serves no WebSocket route anyway.
            var tables = state.ReferencedTables.Where(static t => t.Routes.Count > 0).ToList();
            int count = tables.Sum(static t => t.Routes.Count);
            if (count > 0)
            {
                string assemblies = string.Join(", ", tables.Select(static t => t.AssemblyName));
                string declared = (tables.Count == 1 ? $"The referenced assembly {assemblies} declares " : $"The referenced assemblies {assemblies} declare ")
                    + (count == 1 ? "a [WebSocket] route" : $"{count} [WebSocket] routes");
                context.ReportDiagnostic(Diagnostic.Create(VelithonDiagnostics.RoutesNeverMapped, addCalls[0], declared));
            }
        }

        // Any [WebSocket], even a broken one, shows the author declares routes here: its error says enough.
        if (state.RouteAttributes.IsEmpty && state.ReferencedTables.All(static t => t.Routes.Count == 0))
        {
            foreach (var call in mapCalls)
            {
                context.ReportDiagnostic(Diagnostic.Create(VelithonDiagnostics.MapVelithonMapsNothing, call));
            }
        }
    }
}
