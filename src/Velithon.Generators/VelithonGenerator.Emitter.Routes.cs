using System.Linq;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators;

public sealed partial class VelithonGenerator
{
    internal static partial class Emitter
    {
        /// <summary>The public route table class of an assembly, named after it so two never clash.</summary>
        public static string PublicRouteTableName(string assemblyName) => "VelithonRouteTable_" + Parsing.HandlerParser.ToIdentifier(assemblyName);

        // [assembly: VelithonRouteTable(typeof(VelithonRouteTable_App), new[] { "/chat/<roomId>" }, new[] { "Chat.Room" })]
        //
        // public static partial class VelithonRouteTable_App    // public: the MapVelithon() of a referencing assembly calls it
        // {                                                    // (each handler's class is a part of it, in the handler's file)
        //     public static void Map(RouteGroupBuilder routes)
        //     {
        //         WebSocketRouteBuilderExtensions.EnableResumableSessions(routes);   // when a route has [ResumableSession]
        //         routes.MapWebSocketRoute(Chat_Room.Pattern, Chat_Room.Template, Chat_Room.HandlerName, Chat_Room.HandleAsync);   // one per handler
        //     }
        // }
        private static SourceWriter EmitPublicRouteTable(EquatableArray<RouteEntrySpec> handlers, CompilationSpec compilation)
        {
            string table = PublicRouteTableName(compilation.AssemblyName);
            var writer = new SourceWriter();
            WriteHeader(writer);
            writer.WriteLine($"[assembly: global::Velithon.Routing.VelithonRouteTable(");
            writer.Indent();
            writer.WriteLine($"typeof(global::{GeneratedNamespace}.{table}),");
            writer.WriteLine("new string[] { " + string.Join(", ", handlers.Select(static h => Literal(h.Template))) + " },");
            writer.WriteLine("new string[] { " + string.Join(", ", handlers.Select(static h => Literal(h.HandlerName))) + " })]");
            writer.Unindent();
            writer.WriteLine();
            writer.WriteLine($"namespace {GeneratedNamespace};");
            writer.WriteLine();
            writer.WriteLine("/// <summary>");
            writer.WriteLine("/// The WebSocket routes this assembly declares with <c>[WebSocket]</c>. The <c>MapVelithon()</c> of this assembly,");
            writer.WriteLine("/// and of every assembly that references it, calls <see cref=\"Map\"/>; applications do not.");
            writer.WriteLine("/// </summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            writer.WriteLine($"public static partial class {table}");
            writer.OpenBlock();
            writer.WriteLine("/// <summary>Maps the routes of this assembly into <paramref name=\"routes\"/>.</summary>");
            writer.WriteLine("/// <param name=\"routes\">The group <c>MapVelithon()</c> maps into.</param>");
            writer.WriteLine("public static void Map(global::Microsoft.AspNetCore.Routing.RouteGroupBuilder routes)");
            writer.OpenBlock();
            if (handlers.Any(static h => h.IsResumable))
            {
                // Only here: an application without a resumable route then never reaches Data Protection's code.
                writer.WriteLine("// [ResumableSession]: tokens are protected with in-memory keys unless the application registers Data Protection.");
                writer.WriteLine("global::Velithon.Routing.WebSocketRouteBuilderExtensions.EnableResumableSessions(routes);");
                writer.WriteLine();
            }

            bool first = true;
            foreach (var handler in handlers)
            {
                string route = handler.IdentifierName;
                if (!first)
                {
                    writer.WriteLine();
                }

                first = false;
                writer.WriteLine($"// {handler.Template} => {handler.HandlerName}");
                writer.WriteLine("global::Velithon.Routing.WebSocketRouteBuilderExtensions.MapWebSocketRoute(");
                writer.Indent();
                writer.WriteLine("routes,");
                writer.WriteLine($"{route}.Pattern,");
                writer.WriteLine($"{route}.Template,");
                writer.WriteLine($"{route}.HandlerName,");
                writer.WriteLine(!handler.HasMetadata && !handler.HasServices ? $"{route}.HandleAsync);" : $"{route}.HandleAsync,");
                if (handler.HasServices)
                {
                    writer.WriteLine(handler.HasMetadata ? $"{route}.CreateMetadata()," : "[],");
                    writer.WriteLine($"{route}.CreateServices());");
                }
                else if (handler.HasMetadata)
                {
                    writer.WriteLine($"{route}.CreateMetadata());");
                }

                writer.Unindent();
            }

            writer.CloseBlock();
            writer.CloseBlock();
            return writer;
        }

        // namespace Microsoft.AspNetCore.Builder;   // the global namespace when a referenced MapVelithon() is visible
        //
        // internal static class VelithonEndpointRouteBuilderExtensions_App
        // {
        //     public static RouteGroupBuilder MapVelithon(this IEndpointRouteBuilder endpoints)
        //     {
        //         var routes = endpoints.MapGroup("");
        //         VelithonRouteTable_App.Map(routes);        // this assembly's routes
        //         WebSocketRouteBuilderExtensions.RegisterAsyncApiDocument(endpoints, VelithonRouteTable_App.AsyncApiDocument);   // for MapAsyncApi()
        //         VelithonRouteTable_Library.Map(routes);    // one per referenced assembly with routes
        //         return routes;
        //     }
        // }
        private static SourceWriter EmitRouteTable(EquatableArray<RouteEntrySpec> handlers, CompilationSpec compilation)
        {
            var writer = new SourceWriter();
            WriteHeader(writer);
            // The class is named after the assembly, so the classes of two assemblies never collide (CS0436) when one
            // sees the other's internals. When a referenced assembly's internal MapVelithon() is visible here
            // (InternalsVisibleTo, as an application gives its test project), this one is declared in the global
            // namespace: C# looks for extension methods in the enclosing namespaces, global last, before the
            // namespaces their using directives import (C# spec, extension method invocations), so every call here
            // binds to this MapVelithon(), which maps this assembly's routes and the referenced assembly's, instead of
            // being ambiguous between two (CS0121).
            if (!compilation.SeesReferencedMapVelithon)
            {
                writer.WriteLine($"namespace {Parsing.ReferencedRouteTables.ExtensionNamespace};");
                writer.WriteLine();
            }

            writer.WriteLine("/// <summary>Maps the WebSocket routes declared with <c>[WebSocket]</c> in this assembly and the assemblies it references.</summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine($"internal static class {Parsing.ReferencedRouteTables.ExtensionClassName(compilation.AssemblyName)}");
            writer.OpenBlock();
            int referencedRoutes = compilation.ReferencedTables.Sum(static t => t.Routes.Count);
            writer.WriteLine("/// <summary>");
            if (handlers.Count == 0 && referencedRoutes == 0)
            {
                writer.WriteLine("/// Maps the <c>[WebSocket]</c> handlers of this assembly and of the assemblies it references; there are none yet.");
            }
            else
            {
                writer.WriteLine("/// Maps every <c>[WebSocket]</c> handler of this assembly and of the assemblies it references:");
                writer.WriteLine("/// <list type=\"bullet\">");
                foreach (var handler in handlers)
                {
                    writer.WriteLine($"/// <item><c>{EscapeXml(handler.Template)}</c>: <c>{EscapeXml(handler.HandlerName)}</c></item>");
                }

                foreach (var table in compilation.ReferencedTables)
                {
                    foreach (var route in table.Routes)
                    {
                        writer.WriteLine($"/// <item><c>{EscapeXml(route.Template)}</c>: <c>{EscapeXml(route.HandlerName)}</c> (from {EscapeXml(table.AssemblyName)})</item>");
                    }
                }

                writer.WriteLine("/// </list>");
            }

            writer.WriteLine("/// </summary>");
            writer.WriteLine("/// <param name=\"endpoints\">The application's route builder, usually the <c>WebApplication</c>.</param>");
            writer.WriteLine("/// <returns>The group of all these routes, for conventions such as <c>RequireAuthorization()</c>.</returns>");
            writer.WriteLine("public static global::Microsoft.AspNetCore.Routing.RouteGroupBuilder MapVelithon(this global::Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints)");
            writer.OpenBlock();
            writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(endpoints);");
            writer.WriteLine("var routes = global::Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGroup(endpoints, \"\");");
            if (handlers.Count > 0)
            {
                writer.WriteLine($"global::{GeneratedNamespace}.{PublicRouteTableName(compilation.AssemblyName)}.Map(routes);");
                writer.WriteLine($"global::Velithon.Routing.WebSocketRouteBuilderExtensions.RegisterAsyncApiDocument(endpoints, global::{GeneratedNamespace}.{PublicRouteTableName(compilation.AssemblyName)}.{AsyncApiConstantName});");
            }

            foreach (var table in compilation.ReferencedTables)
            {
                writer.WriteLine($"{table.TypeName}.Map(routes); // {table.AssemblyName}: {table.Routes.Count} route{(table.Routes.Count == 1 ? "" : "s")}");
            }

            writer.WriteLine("return routes;");
            writer.CloseBlock();
            writer.CloseBlock();
            return writer;
        }
    }
}
