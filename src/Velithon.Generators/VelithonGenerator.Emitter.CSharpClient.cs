using System.Collections.Generic;
using System.Linq;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators;

public sealed partial class VelithonGenerator
{
    internal static partial class Emitter
    {
        private const string ContractClientType = "global::Velithon.ContractClient";
        private const string TaskType = "global::System.Threading.Tasks.Task";

        // public sealed partial class TaskBoardSocketClient : ContractClient    // beside the typed socket
        // {
        //     public TaskBoardSocketClient(ContractClientOptions? options = null) : base(TaskBoardSocket.ContractSubprotocol, options) { }
        //     public Task ConnectBoardAsync(Uri baseUri, string boardId, CancellationToken cancellationToken = default);   // per route
        //     public ValueTask SendAsync(AddTask message, CancellationToken cancellationToken = default);                  // per one-way inbound case
        //     public Task<BoardSnapshot> RequestAsync(GetBoard request, TimeSpan? timeout = null, CancellationToken ct = default);
        //     public Func<TaskAdded, CancellationToken, ValueTask>? OnTaskAdded { get; set; }                             // per one-way outbound case
        //     public Func<WhoAreYou, CancellationToken, ValueTask<Introduction>>? OnWhoAreYou { get; set; }               // per outbound request
        //     protected override ValueTask<bool> OnMessageAsync(string type, ...) => type switch { "task-added" => InvokeAsync(OnTaskAdded, ...), _ => new(false) };
        //     protected override ValueTask<byte[]>? OnRequestAsync(string type, ...) => type switch { "who-are-you" => AnswerAsync(OnWhoAreYou, ...), _ => null };
        //     protected override JsonTypeInfo? GetServerCaseTypeInfo(string type) => type switch { "task-added" => ..., "who-are-you" => ..., _ => null };
        // }
        //
        // As on the server, there is no generic SendAsync<T>: a case the client may not send has no overload.
        private static void WriteCSharpClient(SourceWriter writer, ClientContractSpec contract)
        {
            string name = contract.SocketName + "Client";
            string cache = name + "Contract";
            string access = contract.IsPublic ? "public" : "internal";
            var typeInfos = new MetadataFieldNames();
            var tags = new MetadataFieldNames();
            foreach (var @case in contract.Inbound.Concat(contract.Outbound))
            {
                typeInfos.Add(@case.TypeName, @case.ShortName);
                if (@case.ReplyTypeName is not null)
                {
                    typeInfos.Add(@case.ReplyTypeName, Parsing.HandlerParser.ToIdentifier(@case.ReplyTypeName.Split('.').Last()));
                }
            }

            foreach (var @case in contract.Inbound)
            {
                tags.Add(@case.TypeName, @case.ShortName);
            }

            var handlerNames = new MetadataFieldNames();
            foreach (var @case in contract.Outbound)
            {
                handlerNames.Add(@case.TypeName, "On" + @case.ShortName);
            }

            if (contract.Namespace.Length > 0)
            {
                writer.WriteLine($"namespace {contract.Namespace}");
                writer.OpenBlock();
            }

            foreach (var outer in contract.ContainingTypes)
            {
                writer.WriteLine(outer);
                writer.OpenBlock();
            }

            writer.WriteLine($"/// <summary>");
            writer.WriteLine($"/// The typed client of the contract of <see cref=\"{EscapeXml(contract.SocketName)}\"/>, over <c>ClientWebSocket</c>: what a client may");
            writer.WriteLine("/// send and ask, handlers for what the server sends and asks, and reconnection. Set the handlers, then connect.");
            writer.WriteLine($"/// </summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine($"{access} sealed partial class {name} : {ContractClientType}");
            writer.OpenBlock();
            writer.WriteLine("/// <summary>Creates the client; a <c>Connect…Async</c> method opens its connection.</summary>");
            writer.WriteLine("/// <param name=\"options\">Timeouts, reconnection and the clock; the defaults when null.</param>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine($"public {name}(global::Velithon.ContractClientOptions? options = null)");
            writer.Indent();
            writer.WriteLine($": base({contract.SocketTypeName}.ContractSubprotocol, options)");
            writer.Unindent();
            writer.OpenBlock();
            writer.CloseBlock();
            foreach (var route in contract.Routes)
            {
                writer.WriteLine();
                WriteConnectMethod(writer, route);
            }

            foreach (var @case in contract.Inbound)
            {
                string tag = $"{cache}.{tags[@case.TypeName]}Tag";
                string typeInfo = $"{cache}.{typeInfos[@case.TypeName]}TypeInfo";
                string envelope = EscapeXml($"{{\"type\":{JsonString(@case.Tag)}");
                writer.WriteLine();
                if (@case.ReplyTypeName is null)
                {
                    writer.WriteLine($"/// <summary>Sends <paramref name=\"message\"/> to the server as <c>{envelope},\"payload\":...}}</c>.</summary>");
                    writer.WriteLine("/// <param name=\"message\">The message.</param>");
                    writer.WriteLine("/// <param name=\"cancellationToken\">Cancels the send.</param>");
                    writer.WriteLine("/// <returns>A task that completes once the message is written.</returns>");
                    writer.WriteLine("/// <exception cref=\"global::System.InvalidOperationException\">The client is not connected.</exception>");
                    writer.WriteLine(GeneratedCodeAttribute);
                    writer.WriteLine($"public {ValueTaskType} SendAsync({@case.TypeName} message, {CancellationTokenType} cancellationToken = default) =>");
                    writer.Indent();
                    writer.WriteLine($"SendMessageAsync({tag}, message, {typeInfo}, cancellationToken);");
                    writer.Unindent();
                }
                else
                {
                    string replyTypeInfo = $"{cache}.{typeInfos[@case.ReplyTypeName]}TypeInfo";
                    writer.WriteLine($"/// <summary>Sends the request <paramref name=\"request\"/> as <c>{envelope},\"id\":n,\"payload\":...}}</c> and waits for the server's reply.</summary>");
                    writer.WriteLine("/// <param name=\"request\">The request.</param>");
                    writer.WriteLine("/// <param name=\"timeout\">How long to wait; null for the options' <c>RequestTimeout</c>.</param>");
                    writer.WriteLine("/// <param name=\"cancellationToken\">Gives up on the reply; the server is sent a <c>cancel</c>.</param>");
                    writer.WriteLine("/// <returns>The server's reply.</returns>");
                    writer.WriteLine("/// <exception cref=\"global::System.TimeoutException\">No reply came in time.</exception>");
                    writer.WriteLine("/// <exception cref=\"global::Velithon.WebSocketRequestException\">The server answered with an error, or with a reply that does not deserialize.</exception>");
                    writer.WriteLine("/// <exception cref=\"global::Velithon.WebSocketDisconnectException\">The connection ended first.</exception>");
                    writer.WriteLine(GeneratedCodeAttribute);
                    writer.WriteLine($"public {TaskType}<{@case.ReplyTypeName}> RequestAsync({@case.TypeName} request, global::System.TimeSpan? timeout = null, {CancellationTokenType} cancellationToken = default) =>");
                    writer.Indent();
                    writer.WriteLine($"SendRequestAsync({tag}, request, {typeInfo}, {replyTypeInfo}, timeout, cancellationToken);");
                    writer.Unindent();
                }
            }

            foreach (var @case in contract.Outbound)
            {
                string property = handlerNames[@case.TypeName];
                writer.WriteLine();
                if (@case.ReplyTypeName is null)
                {
                    writer.WriteLine($"/// <summary>Called with each <c>{EscapeXml(JsonString(@case.Tag))}</c> message of the server, one message at a time, in order; null ignores them.</summary>");
                    writer.WriteLine(GeneratedCodeAttribute);
                    writer.WriteLine($"public global::System.Func<{@case.TypeName}, {CancellationTokenType}, {ValueTaskType}>? {property} {{ get; set; }}");
                }
                else
                {
                    writer.WriteLine($"/// <summary>Answers the server's <c>{EscapeXml(JsonString(@case.Tag))}</c> requests: its result is the reply, and a thrown exception's message the error; null answers each with an error.</summary>");
                    writer.WriteLine(GeneratedCodeAttribute);
                    writer.WriteLine($"public global::System.Func<{@case.TypeName}, {CancellationTokenType}, {ValueTaskType}<{@case.ReplyTypeName}>>? {property} {{ get; set; }}");
                }
            }

            writer.WriteLine();
            writer.WriteLine("/// <inheritdoc />");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine($"protected override {ValueTaskType}<bool> OnMessageAsync(string type, global::System.ReadOnlyMemory<byte> payload, {CancellationTokenType} cancellationToken) => type switch");
            writer.WriteLine("{");
            writer.Indent();
            foreach (var @case in contract.Outbound.Where(static c => c.ReplyTypeName is null))
            {
                writer.WriteLine($"{Literal(@case.Tag)} => InvokeAsync({handlerNames[@case.TypeName]}, payload, {cache}.{typeInfos[@case.TypeName]}TypeInfo, cancellationToken),");
            }

            writer.WriteLine("_ => new(false),");
            writer.Unindent();
            writer.WriteLine("};");
            writer.WriteLine();
            writer.WriteLine("/// <inheritdoc />");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine($"protected override {ValueTaskType}<byte[]>? OnRequestAsync(string type, global::System.ReadOnlyMemory<byte> payload, {CancellationTokenType} cancellationToken) => type switch");
            writer.WriteLine("{");
            writer.Indent();
            foreach (var @case in contract.Outbound.Where(static c => c.ReplyTypeName is not null))
            {
                writer.WriteLine($"{Literal(@case.Tag)} => AnswerAsync({handlerNames[@case.TypeName]}, type, payload, {cache}.{typeInfos[@case.TypeName]}TypeInfo, {cache}.{typeInfos[@case.ReplyTypeName!]}TypeInfo, cancellationToken),");
            }

            writer.WriteLine("_ => null,");
            writer.Unindent();
            writer.WriteLine("};");

            // Every case the server sends, for MessageReceived (Velithon.Testing's ExpectAsync reads it).
            writer.WriteLine();
            writer.WriteLine("/// <inheritdoc />");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine("protected override global::System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetServerCaseTypeInfo(string type) => type switch");
            writer.WriteLine("{");
            writer.Indent();
            foreach (var @case in contract.Outbound)
            {
                writer.WriteLine($"{Literal(@case.Tag)} => {cache}.{typeInfos[@case.TypeName]}TypeInfo,");
            }

            writer.WriteLine("_ => null,");
            writer.Unindent();
            writer.WriteLine("};");
            writer.CloseBlock();
            foreach (var _ in contract.ContainingTypes)
            {
                writer.CloseBlock();
            }

            // The caches are a file-local class, as the typed socket's are.
            writer.WriteLine();
            writer.WriteLine($"/// <summary>The tags and metadata of <c>{EscapeXml(name)}</c>, looked up once.</summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine($"file static class {cache}");
            writer.OpenBlock();
            bool first = true;
            foreach (var (typeName, field) in tags.All)
            {
                string tag = contract.Inbound.First(c => c.TypeName == typeName).Tag;
                WriteSeparated(writer, ref first);
                writer.WriteLine($"public static readonly global::System.Text.Json.JsonEncodedText {field}Tag = global::System.Text.Json.JsonEncodedText.Encode({Literal(tag)});");
            }

            foreach (var (typeName, field) in typeInfos.All)
            {
                WriteSeparated(writer, ref first);
                WriteTypeInfoField(writer, "public", field + "TypeInfo", typeName, contract.JsonContextTypeName);
            }

            writer.CloseBlock();
            if (contract.Namespace.Length > 0)
            {
                writer.CloseBlock();
            }
        }

        // public Task ConnectBoardAsync(Uri baseUri, string boardId, string? user = null, CancellationToken cancellationToken = default) =>
        //     ConnectCoreAsync(BuildUri(baseUri, "/board/" + PathSegment(FormatValue(boardId), false), [new("user", ...)]), [], cancellationToken);
        private static void WriteConnectMethod(SourceWriter writer, ClientRouteSpec route)
        {
            var pathValues = route.Path.Where(static p => p.Parameter is not null).Select(static p => p.Parameter!).ToList();
            var values = pathValues.Concat(route.Query.Concat(route.Headers).Where(static v => !v.IsOptional))
                .Concat(route.Query.Concat(route.Headers).Where(static v => v.IsOptional))
                .ToList();
            writer.WriteLine($"/// <summary>Opens the connection to <c>{EscapeXml(route.Template)}</c> under <paramref name=\"baseUri\"/>.</summary>");
            writer.WriteLine("/// <param name=\"baseUri\">The server (<c>http</c>, <c>https</c>, <c>ws</c> or <c>wss</c>), with any path prefix.</param>");
            foreach (var value in values)
            {
                string source = pathValues.Contains(value) ? "route value" : route.Query.Contains(value) ? "query value" : "header";
                writer.WriteLine($"/// <param name=\"{value.Name}\">The {source} <c>{EscapeXml(value.Key)}</c>{(value.IsOptional ? "; null leaves it out" : "")}.</param>");
            }

            writer.WriteLine("/// <param name=\"cancellationToken\">Cancels the handshake.</param>");
            writer.WriteLine("/// <returns>A task that completes once the connection is open.</returns>");
            writer.WriteLine("/// <exception cref=\"global::System.InvalidOperationException\">The client was connected before.</exception>");
            writer.WriteLine("/// <exception cref=\"global::System.Net.WebSockets.WebSocketException\">The handshake failed.</exception>");
            writer.WriteLine(GeneratedCodeAttribute);
            var parameters = values.Select(static v => $"{v.CSharpTypeName} {Identifier(v.Name)}{(v.IsOptional ? " = null" : "")}");
            writer.WriteLine($"public {TaskType} Connect{route.Name}Async(global::System.Uri baseUri, {string.Join(", ", parameters.Concat([$"{CancellationTokenType} cancellationToken = default"]))}) =>");
            writer.Indent();
            var path = route.Path.Select(static part => part.Literal is not null
                ? Literal(part.Literal)
                : $"PathSegment(FormatValue({Identifier(part.Parameter!.Name)}), {(part.Parameter.IsCatchAll ? "true" : "false")})");
            writer.WriteLine("ConnectCoreAsync(");
            writer.Indent();
            writer.WriteLine($"BuildUri(baseUri, {string.Join(" + ", path)}, [{Pairs(route.Query)}]),");
            writer.WriteLine($"[{Pairs(route.Headers)}],");
            writer.WriteLine("cancellationToken);");
            writer.Unindent();
            writer.Unindent();

            static string Pairs(IEnumerable<ClientParameterSpec> values) => string.Join(", ", values.Select(static v =>
                $"new({Literal(v.Key)}, {(v.IsOptional ? $"{Identifier(v.Name)} is {{ }} {v.Name}Value ? FormatValue({v.Name}Value) : null" : $"FormatValue({Identifier(v.Name)})")})"));
        }
    }
}
