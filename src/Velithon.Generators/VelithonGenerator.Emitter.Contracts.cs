using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators;

public sealed partial class VelithonGenerator
{
    internal static partial class Emitter
    {
        private const string ContractSocketType = "global::Velithon.ContractSocket";
        private const string JsonTypeInfoType = "global::System.Text.Json.Serialization.Metadata.JsonTypeInfo";
        private const string ValueTaskType = "global::System.Threading.Tasks.ValueTask";
        private const string CancellationTokenType = "global::System.Threading.CancellationToken";
        private const string EditorBrowsableNever = "[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]";

        public static void EmitContractFile(SourceProductionContext context, ContractSpec contract) =>
            context.AddSource(contract.HintName, EmitContract(contract).ToSourceText());

        // partial class BoardSocket : ContractSocket         // the user's partial class
        // {
        //     public const string ContractVersion = "3f9a1c2b7d4e5f60", ContractSubprotocol = "velithon." + ContractVersion;
        //     public BoardSocket(WebSocket socket, ContractDispatch dispatch) : base(socket, dispatch, ContractSubprotocol) { }   // the route table's
        //     public static BoardSocket From(WebSocket socket) => From<BoardSocket>(socket);
        //     public ValueTask SendAsync(CardAdded message, CancellationToken cancellationToken = default) => ...;                  // per outbound case
        //     public Task<NameReply> RequestAsync(AskName request, TimeSpan? timeout = null, CancellationToken ct = default) => ...; // per outbound request
        //     public static ValueTask<int> BroadcastAsync(BroadcastTarget target, CardAdded message, CancellationToken ct = default) => ...;
        // }
        //
        // file static class BoardSocketContract { CardAddedTag = JsonEncodedText.Encode("card-added"); CardAddedTypeInfo = ...; }
        //
        // There is no generic SendAsync<T>: a type outside the outbound set has no overload, so sending it does not compile.
        // A request case has RequestAsync and no SendAsync, since a request the peer cannot answer is malformed on the wire.
        private static SourceWriter EmitContract(ContractSpec contract)
        {
            string cache = contract.ClassName + "Contract";
            var typeInfos = new MetadataFieldNames();
            foreach (var @case in contract.Outbound)
            {
                typeInfos.Add(@case.TypeName, @case.ShortName);
                if (@case.ReplyTypeName is not null)
                {
                    typeInfos.Add(@case.ReplyTypeName, @case.ReplyShortName!);
                }
            }

            var tags = new MetadataFieldNames();
            foreach (var @case in contract.Outbound)
            {
                tags.Add(@case.TypeName, @case.ShortName);
            }

            var writer = new SourceWriter();
            WriteHeader(writer, "A case may be obsolete; its contract still sends it.");
            if (contract.Namespace.Length > 0)
            {
                writer.WriteLine($"namespace {contract.Namespace};");
                writer.WriteLine();
            }

            foreach (var outer in contract.ContainingTypes)
            {
                writer.WriteLine(outer);
                writer.OpenBlock();
            }

            writer.WriteLine($"/// <summary>The typed socket of the contract of <c>{EscapeXml(contract.DisplayName)}</c>: what the server may send and ask.</summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine($"partial class {contract.ClassName} : {ContractSocketType}");
            writer.OpenBlock();
            writer.WriteLine("/// <summary>");
            writer.WriteLine("/// The contract's version: 16 hexadecimal digits of the SHA-256 of its messages' tags, directions and JSON Schemas,");
            writer.WriteLine("/// as the AsyncAPI document describes them. Any change a client could see on the wire changes it.");
            writer.WriteLine("/// </summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine($"public const string ContractVersion = {Literal(contract.Document.Version)};");
            writer.WriteLine();
            writer.WriteLine("/// <summary>");
            writer.WriteLine("/// The subprotocol a generated client offers (<c>Sec-WebSocket-Protocol</c>): the route confirms it, and closes with 4426");
            writer.WriteLine("/// (<c>WebSocketCloseCode.ContractVersionMismatch</c>) a client that offers another version's.");
            writer.WriteLine("/// </summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine("public const string ContractSubprotocol = \"velithon.\" + ContractVersion;");
            writer.WriteLine();
            writer.WriteLine("/// <summary>Wraps a connection; the route table creates one per connection of a route that speaks this contract.</summary>");
            writer.WriteLine("/// <param name=\"socket\">The connection.</param>");
            writer.WriteLine("/// <param name=\"dispatch\">Hands each received message to the route's <c>[OnMessage]</c> methods.</param>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine(EditorBrowsableNever);
            writer.WriteLine($"public {contract.ClassName}(global::Velithon.WebSocket socket, global::Velithon.Contracts.ContractDispatch dispatch)");
            writer.Indent();
            writer.WriteLine(": base(socket, dispatch, ContractSubprotocol)");
            writer.Unindent();
            writer.OpenBlock();
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine("/// <summary>The typed socket of <paramref name=\"socket\"/>, a connection of a route that speaks this contract.</summary>");
            writer.WriteLine("/// <param name=\"socket\">The connection, as a lifecycle method of an endpoint class receives it.</param>");
            writer.WriteLine("/// <returns>The connection's typed socket.</returns>");
            writer.WriteLine("/// <exception cref=\"global::System.InvalidOperationException\">The connection's route speaks another contract, or none.</exception>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine($"public static {contract.TypeName} From(global::Velithon.WebSocket socket) => {ContractSocketType}.From<{contract.TypeName}>(socket);");
            writer.WriteLine();
            writer.WriteLine("/// <summary>The typed socket of the connection <paramref name=\"connectionId\"/>, which this server holds: to make a request of a connection other than the caller's.</summary>");
            writer.WriteLine("/// <param name=\"hub\">The application's hub.</param>");
            writer.WriteLine("/// <param name=\"connectionId\">The connection's <c>WebSocket.ConnectionId</c>.</param>");
            writer.WriteLine("/// <returns>The connection's typed socket.</returns>");
            writer.WriteLine("/// <exception cref=\"global::System.InvalidOperationException\">Another server holds the connection (requests are not relayed: send it a message through <c>hub.Connection(id)</c>), this server holds none with that id, or its route speaks another contract.</exception>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine($"public static {contract.TypeName} From(global::Velithon.IWebSocketHub hub, string connectionId) => {ContractSocketType}.From<{contract.TypeName}>(hub, connectionId);");
            foreach (var @case in contract.Outbound)
            {
                string tag = $"{cache}.{tags[@case.TypeName]}Tag";
                string typeInfo = $"{cache}.{typeInfos[@case.TypeName]}TypeInfo";
                string envelope = EscapeXml($"{{\"type\":{JsonString(@case.Tag)}");
                string access = @case.IsPublic ? "public" : "internal";
                writer.WriteLine();
                if (@case.ReplyTypeName is null)
                {
                    writer.WriteLine($"/// <summary>Sends <paramref name=\"message\"/> to this connection as <c>{envelope},\"payload\":...}}</c>.</summary>");
                    writer.WriteLine("/// <param name=\"message\">The message.</param>");
                    writer.WriteLine("/// <param name=\"cancellationToken\">Cancels the send.</param>");
                    writer.WriteLine("/// <returns>A task that completes once the message is written.</returns>");
                    writer.WriteLine(GeneratedCodeAttribute);
                    writer.WriteLine($"{access} {ValueTaskType} SendAsync({@case.TypeName} message, {CancellationTokenType} cancellationToken = default) =>");
                    writer.Indent();
                    writer.WriteLine($"SendMessageAsync({tag}, message, {typeInfo}, cancellationToken);");
                    writer.Unindent();
                    writer.WriteLine();
                    writer.WriteLine($"/// <summary>Sends <paramref name=\"message\"/> to every connection of <paramref name=\"target\"/>, serialized once.</summary>");
                    writer.WriteLine("/// <param name=\"target\">The connections: a group, all of them, or all but one.</param>");
                    writer.WriteLine("/// <param name=\"message\">The message.</param>");
                    writer.WriteLine("/// <param name=\"cancellationToken\">Cancels the broadcast.</param>");
                    writer.WriteLine("/// <returns>The number of connections the message was queued for.</returns>");
                    writer.WriteLine(GeneratedCodeAttribute);
                    writer.WriteLine($"{access} static {ValueTaskType}<int> BroadcastAsync(global::Velithon.BroadcastTarget target, {@case.TypeName} message, {CancellationTokenType} cancellationToken = default) =>");
                    writer.Indent();
                    writer.WriteLine($"BroadcastMessageAsync(target, {tag}, message, {typeInfo}, cancellationToken);");
                    writer.Unindent();
                }
                else
                {
                    string replyTypeInfo = $"{cache}.{typeInfos[@case.ReplyTypeName]}TypeInfo";
                    writer.WriteLine($"/// <summary>Sends the request <paramref name=\"request\"/> as <c>{envelope},\"id\":n,\"payload\":...}}</c> and waits for the client's reply.</summary>");
                    writer.WriteLine("/// <param name=\"request\">The request.</param>");
                    writer.WriteLine("/// <param name=\"timeout\">How long to wait for the reply; null for <c>VelithonOptions.RequestTimeout</c>.</param>");
                    writer.WriteLine("/// <param name=\"cancellationToken\">Gives up on the reply; the client is told with a <c>cancel</c> envelope.</param>");
                    writer.WriteLine("/// <returns>The client's reply.</returns>");
                    writer.WriteLine("/// <exception cref=\"global::System.TimeoutException\">No reply came in time.</exception>");
                    writer.WriteLine("/// <exception cref=\"global::Velithon.WebSocketRequestException\">The client answered with an error, or with a reply that does not deserialize.</exception>");
                    writer.WriteLine("/// <exception cref=\"global::Velithon.WebSocketDisconnectException\">The connection ended first.</exception>");
                    writer.WriteLine("/// <exception cref=\"global::System.InvalidOperationException\">As many requests as <c>VelithonOptions.MaxPendingRequests</c> are already waiting.</exception>");
                    writer.WriteLine(GeneratedCodeAttribute);
                    writer.WriteLine($"{access} global::System.Threading.Tasks.Task<{@case.ReplyTypeName}> RequestAsync({@case.TypeName} request, global::System.TimeSpan? timeout = null, {CancellationTokenType} cancellationToken = default) =>");
                    writer.Indent();
                    writer.WriteLine($"SendRequestAsync({tag}, request, {typeInfo}, {replyTypeInfo}, timeout, cancellationToken);");
                    writer.Unindent();
                }
            }

            writer.CloseBlock();
            foreach (var _ in contract.ContainingTypes)
            {
                writer.CloseBlock();
            }

            // The caches are a file-local class: the user's partial class gets no member it did not ask for.
            writer.WriteLine();
            writer.WriteLine($"/// <summary>The outbound tags and metadata of <c>{EscapeXml(contract.DisplayName)}</c>, looked up once.</summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine($"file static class {cache}");
            writer.OpenBlock();
            bool first = true;
            foreach (var (typeName, name) in tags.All)
            {
                string tag = "";
                foreach (var @case in contract.Outbound)
                {
                    tag = @case.TypeName == typeName ? @case.Tag : tag;
                }

                WriteSeparated(writer, ref first);
                writer.WriteLine($"public static readonly global::System.Text.Json.JsonEncodedText {name}Tag = global::System.Text.Json.JsonEncodedText.Encode({Literal(tag)});");
            }

            foreach (var (typeName, name) in typeInfos.All)
            {
                WriteSeparated(writer, ref first);
                WriteTypeInfoField(writer, "public", name + "TypeInfo", typeName, contract.JsonContextTypeName);
            }

            writer.CloseBlock();
            return writer;
        }

        /// <summary>
        /// A tag as a JSON string (RFC 8259 section 7), for the doc comments: a character C# reads as a line break would
        /// end the <c>///</c> line and turn the rest of the tag into code, and JSON escapes them all.
        /// </summary>
        private static string JsonString(string text) => JsonNode.Quote(text);

        private static void WriteSeparated(SourceWriter writer, ref bool first)
        {
            if (!first)
            {
                writer.WriteLine();
            }

            first = false;
        }

        // private static readonly JsonTypeInfo<Move> MoveTypeInfo = (JsonTypeInfo<Move>)GameJson.Default.GetTypeInfo(typeof(Move))!;
        private static void WriteTypeInfoField(SourceWriter writer, string accessibility, string name, string typeName, string contextTypeName)
        {
            writer.WriteLine($"{accessibility} static readonly {JsonTypeInfoType}<{typeName}> {name} =");
            writer.Indent();
            writer.WriteLine($"({JsonTypeInfoType}<{typeName}>){contextTypeName}.Default.GetTypeInfo(typeof({typeName}))!;");
            writer.Unindent();
        }

        /// <summary>
        /// Names of cached metadata fields, one per type: the type's short name, numbered when two types share one
        /// (<c>Ns1.Card</c>, <c>Ns2.Card</c>). Types keep their order of first appearance.
        /// </summary>
        private sealed class MetadataFieldNames
        {
            private readonly Dictionary<string, string> _byType = new();
            private readonly HashSet<string> _taken = new();
            private readonly List<(string TypeName, string Name)> _all = new();

            public IReadOnlyList<(string TypeName, string Name)> All => _all;

            public string this[string typeName] => _byType[typeName];

            public void Add(string typeName, string shortName)
            {
                if (_byType.ContainsKey(typeName))
                {
                    return;
                }

                string name = shortName;
                for (int suffix = 2; !_taken.Add(name); suffix++)
                {
                    name = shortName + suffix;
                }

                _byType.Add(typeName, name);
                _all.Add((typeName, name));
            }
        }
    }
}
