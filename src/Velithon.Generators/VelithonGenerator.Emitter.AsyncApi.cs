using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Velithon.Generators.AsyncApi;
using Velithon.Generators.Diagnostics;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators;

public sealed partial class VelithonGenerator
{
    internal static partial class Emitter
    {
        public const string AsyncApiHintName = "Velithon.AsyncApi.g.cs";

        /// <summary>The constant's name, which the package's build target and <c>MapVelithon()</c> read.</summary>
        public const string AsyncApiConstantName = "AsyncApiDocument";

        // public static partial class VelithonRouteTable_App
        // {
        //     public const string AsyncApiDocument = """
        // {
        //   "asyncapi": "3.0.0",
        //   ...
        // }
        // """;
        // }
        //
        // [assembly: VelithonGeneratedFile("asyncapi.json", "application/json; charset=utf-8", VelithonRouteTable_App.AsyncApiDocument)]
        //
        // The raw string literal starts and ends at the first column, so the text between the delimiters is the
        // document exactly, ending with a line feed as a text file does. The Velithon package's build target reads
        // the attribute from the built assembly and writes the constant to asyncapi.json, as it writes the typed
        // clients (docs/clients.md). JSON never holds three quotes in a row (a quote inside a string is escaped, and
        // two strings are never adjacent), so the document cannot end the literal.
        public static void EmitAsyncApi(
            SourceProductionContext context,
            EquatableArray<RouteDocumentSpec> routes,
            string assemblyName,
            string assemblyVersion,
            ImmutableArray<ApprovedDocument> approved)
        {
            if (routes.Count == 0)
            {
                return;
            }

            var document = AsyncApiDocumentWriter.Build(assemblyName, assemblyVersion, routes);
            string json = document.ToIndentedString();
            var writer = new SourceWriter();
            WriteHeader(writer);
            writer.WriteLine($"[assembly: global::Velithon.Routing.VelithonGeneratedFile(\"asyncapi.json\", \"application/json; charset=utf-8\", global::{GeneratedNamespace}.{PublicRouteTableName(assemblyName)}.{AsyncApiConstantName})]");
            writer.WriteLine();
            writer.WriteLine($"namespace {GeneratedNamespace};");
            writer.WriteLine();
            string source = writer.ToSourceText().ToString()
                + $"public static partial class {PublicRouteTableName(assemblyName)}\n"
                + "{\n"
                + "    /// <summary>\n"
                + "    /// The AsyncAPI 3.0 document of this assembly's WebSocket routes, as JSON. <c>MapVelithon()</c> registers it,\n"
                + "    /// and <c>MapAsyncApi()</c> serves it.\n"
                + "    /// </summary>\n"
                + "    " + GeneratedCodeAttribute + "\n"
                + $"    public const string {AsyncApiConstantName} = \"\"\"\n"
                + json + "\n"
                + "\n"
                + "\"\"\";\n"
                + "}\n";
            context.AddSource(AsyncApiHintName, SourceText.From(source, System.Text.Encoding.UTF8));

            foreach (var file in approved)
            {
                ReportBreakingChanges(context, file, document);
            }
        }

        private static void ReportBreakingChanges(SourceProductionContext context, ApprovedDocument file, JsonObject current)
        {
            var parsed = JsonParser.TryParse(file.Text, out string? error, out int line, out int column);
            if (parsed is not JsonObject approved || approved.GetString("asyncapi") is null)
            {
                var position = new LinePosition(line, column);
                context.ReportDiagnostic(Diagnostic.Create(
                    VelithonDiagnostics.InvalidApprovedAsyncApi,
                    Location.Create(file.Path, new TextSpan(0, 0), new LinePositionSpan(position, position)),
                    System.IO.Path.GetFileName(file.Path),
                    error is not null ? $"is not valid JSON ({error}, line {line + 1}, column {column + 1})" : "is not an AsyncAPI document (it has no 'asyncapi' member)"));
                return;
            }

            foreach (var change in BreakingChanges.Find(approved, current))
            {
                // The location is in the approved file, at what the change breaks: a JSON file holds no #pragma, and
                // the declaration that changed may be gone from the source.
                var start = new LinePosition(System.Math.Max(change.Where.Line, 0), System.Math.Max(change.Where.Column, 0));
                context.ReportDiagnostic(Diagnostic.Create(
                    VelithonDiagnostics.AsyncApiBreakingChange,
                    Location.Create(file.Path, new TextSpan(System.Math.Max(change.Where.Offset, 0), 0), new LinePositionSpan(start, start)),
                    change.Message));
            }
        }
    }
}
