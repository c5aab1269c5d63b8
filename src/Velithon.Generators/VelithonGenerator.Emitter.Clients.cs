using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators;

public sealed partial class VelithonGenerator
{
    internal static partial class Emitter
    {
        public const string ClientsHintName = "Velithon.Clients.g.cs";
        private const string ClientsObsolete = "A case may be obsolete; its clients still send and receive it.";

        /// <summary>The class of an assembly that holds its clients' text, named after it so two never clash.</summary>
        public static string ClientsClassName(string assemblyName) => "VelithonClients_" + Parsing.HandlerParser.ToIdentifier(assemblyName);

        public static void EmitClientFile(SourceProductionContext context, ClientFileSpec file) =>
            context.AddSource($"Velithon.Clients.{file.Identifier}.g.cs", EmitClient(file).ToSourceText());

        // internal static partial class VelithonClients_App
        // {
        //     internal static class Velithon_Demo_Board_TaskBoardSocket
        //     {
        //         public const string Module = "...";         // TaskBoardSocket.js
        //         public const string Declarations = "...";   // TaskBoardSocket.d.ts
        //     }
        // }
        //
        // and, when the compilation references Velithon.Client, the C# client class beside the typed socket.
        private static SourceWriter EmitClient(ClientFileSpec file)
        {
            var writer = new SourceWriter();
            WriteHeader(writer, ClientsObsolete);
            writer.WriteLine($"namespace {GeneratedNamespace}");
            writer.OpenBlock();
            writer.WriteLine("// Nested in this assembly's clients class: no generated name clashes with another assembly's (CS0436).");
            writer.WriteLine($"internal static partial class {file.ClientsClassName}");
            writer.OpenBlock();
            writer.WriteLine($"/// <summary>The typed TypeScript client of <c>{EscapeXml(file.Contract.SocketDisplayName)}</c>.</summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            writer.WriteLine($"internal static class {file.Identifier}");
            writer.OpenBlock();
            writer.WriteLine("/// <summary>The ES module.</summary>");
            WriteRawConstant(writer, "Module", EmitTypeScriptModule(file.Contract));
            writer.WriteLine();
            writer.WriteLine("/// <summary>Its TypeScript declarations.</summary>");
            WriteRawConstant(writer, "Declarations", EmitTypeScriptDeclarations(file.Contract));
            writer.CloseBlock();
            writer.CloseBlock();
            writer.CloseBlock();
            if (file.Contract.HasClientRuntime)
            {
                writer.WriteLine();
                WriteCSharpClient(writer, file.Contract);
            }

            return writer;
        }

        // public const string Module = """
        //     ...the text, as written...
        //     """;
        //
        // A raw string literal, so the generated file shows the module as it is; its quotes outnumber any run in the text.
        // A raw literal cannot escape, so a text holding a line break other than LF (CR, U+0085, U+2028, U+2029, which C#
        // also ends a line at, from a tag or a name the user chose) is written as a regular literal instead.
        private static void WriteRawConstant(SourceWriter writer, string name, string text)
        {
            if (text.IndexOfAny(['\r', '\u0085', '\u2028', '\u2029']) >= 0)
            {
                writer.WriteLine($"public const string {name} = {Literal(text)};");
                return;
            }

            int longest = 0;
            for (int i = 0, run = 0; i < text.Length; i++)
            {
                run = text[i] == '"' ? run + 1 : 0;
                longest = System.Math.Max(longest, run);
            }

            string quotes = new('"', System.Math.Max(3, longest + 1));
            writer.WriteLine($"public const string {name} = {quotes}");
            writer.WriteLine(text);
            writer.WriteLine(quotes + ";");
        }

        /// <summary>The files of each client, named after its socket; numbered from 2 when two sockets share a name.</summary>
        public static IReadOnlyList<(ClientEntrySpec Entry, string Name)> ClientFileNames(EquatableArray<ClientEntrySpec> entries)
        {
            var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var names = new List<(ClientEntrySpec, string)>();
            foreach (var entry in entries)
            {
                string name = entry.SocketName;
                for (int suffix = 2; !taken.Add(name); suffix++)
                {
                    name = entry.SocketName + suffix;
                }

                names.Add((entry, name));
            }

            return names;
        }

        // [assembly: VelithonGeneratedFile("velithon/TaskBoardSocket.js", "text/javascript; charset=utf-8", VelithonClients_App.X.Module)]
        //
        // internal static class VelithonClientsEndpointRouteBuilderExtensions_App
        // {
        //     public static RouteGroupBuilder MapVelithonClients(this IEndpointRouteBuilder endpoints)   // GET /velithon/TaskBoardSocket.js, .d.ts
        // }
        public static void EmitClientMap(SourceProductionContext context, EquatableArray<ClientEntrySpec> entries, string assemblyName)
        {
            if (entries.Count == 0)
            {
                return;
            }

            string clients = $"global::{GeneratedNamespace}.{ClientsClassName(assemblyName)}";
            var files = ClientFileNames(entries);
            var writer = new SourceWriter();
            WriteHeader(writer, ClientsObsolete);
            foreach (var (entry, name) in files)
            {
                writer.WriteLine($"[assembly: global::Velithon.Routing.VelithonGeneratedFile(\"velithon/{name}.js\", \"text/javascript; charset=utf-8\", {clients}.{entry.Identifier}.Module)]");
                writer.WriteLine($"[assembly: global::Velithon.Routing.VelithonGeneratedFile(\"velithon/{name}.d.ts\", \"application/typescript; charset=utf-8\", {clients}.{entry.Identifier}.Declarations)]");
            }

            writer.WriteLine();
            writer.WriteLine($"namespace {Parsing.ReferencedRouteTables.ExtensionNamespace}");
            writer.OpenBlock();
            writer.WriteLine("/// <summary>Serves the typed TypeScript clients of the contracts this assembly declares.</summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine($"internal static class VelithonClientsEndpointRouteBuilderExtensions_{Parsing.HandlerParser.ToIdentifier(assemblyName)}");
            writer.OpenBlock();
            writer.WriteLine("/// <summary>");
            writer.WriteLine("/// Maps <c>GET</c> of each contract's TypeScript client, an ES module with no imports, and of its declarations:");
            writer.WriteLine("/// <list type=\"bullet\">");
            foreach (var (entry, name) in files)
            {
                writer.WriteLine($"/// <item><c>/velithon/{name}.js</c> and <c>/velithon/{name}.d.ts</c>: <c>{EscapeXml(entry.SocketDisplayName)}</c></item>");
            }

            writer.WriteLine("/// </list>");
            writer.WriteLine("/// The build writes the same files under the output folder (<c>velithon/</c>).");
            writer.WriteLine("/// </summary>");
            writer.WriteLine("/// <param name=\"endpoints\">The application's route builder, usually the <c>WebApplication</c>.</param>");
            writer.WriteLine("/// <returns>The group of these endpoints, for conventions such as <c>RequireAuthorization()</c>.</returns>");
            writer.WriteLine("public static global::Microsoft.AspNetCore.Routing.RouteGroupBuilder MapVelithonClients(this global::Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints)");
            writer.OpenBlock();
            writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(endpoints);");
            writer.WriteLine("var group = global::Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGroup(endpoints, \"\");");
            foreach (var (entry, name) in files)
            {
                writer.WriteLine($"global::Velithon.Routing.GeneratedFileEndpoints.MapGeneratedFile(group, \"/velithon/{name}.js\", \"text/javascript; charset=utf-8\", {clients}.{entry.Identifier}.Module);");
                writer.WriteLine($"global::Velithon.Routing.GeneratedFileEndpoints.MapGeneratedFile(group, \"/velithon/{name}.d.ts\", \"application/typescript; charset=utf-8\", {clients}.{entry.Identifier}.Declarations);");
            }

            writer.WriteLine("return group;");
            writer.CloseBlock();
            writer.CloseBlock();
            writer.CloseBlock();
            context.AddSource(ClientsHintName, writer.ToSourceText());
        }
    }
}
