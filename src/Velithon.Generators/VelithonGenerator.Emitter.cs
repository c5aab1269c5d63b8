using System.Linq;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators;

public sealed partial class VelithonGenerator
{
    /// <summary>Writes the generated sources from the route table.</summary>
    internal static partial class Emitter
    {
        public const string RouteTableHintName = "Velithon.Routes.g.cs";
        public const string PublicRouteTableHintName = "Velithon.RouteTable.g.cs";
        private const string GeneratedNamespace = "Velithon.Generated";
        private const string Binder = "global::Velithon.Binding.HandshakeBinder";
        private static readonly string GeneratedCodeAttribute =
            $"[global::System.CodeDom.Compiler.GeneratedCode(\"Velithon.Generators\", \"{typeof(VelithonGenerator).Assembly.GetName().Version}\")]";

        public static void EmitHandlerFile(SourceProductionContext context, HandlerFileSpec file) =>
            context.AddSource($"Velithon.Handlers.{file.Handler.IdentifierName}.g.cs", EmitHandler(file.Handler, file.RouteTableName).ToSourceText());

        public static void EmitRouteTables(SourceProductionContext context, EquatableArray<RouteEntrySpec> routes, CompilationSpec compilation)
        {
            if (routes.Count > 0)
            {
                context.AddSource(PublicRouteTableHintName, EmitPublicRouteTable(routes, compilation).ToSourceText());
            }

            context.AddSource(RouteTableHintName, EmitRouteTable(routes, compilation).ToSourceText());
        }

        /// <summary>What the route tables write of a handler.</summary>
        public static RouteEntrySpec DescribeRoute(HandlerSpec handler) =>
            new(handler.Template, handler.Route.Pattern, handler.HandlerName, handler.IdentifierName, handler.Metadata.Count > 0, RequiredServices(handler).Any(), handler.IsResumable);

        // public static partial class VelithonRouteTable_App   // the assembly's route table: no name clashes with another assembly's
        // {
        // internal static class Chat_Room
        // {
        //     public const string Template = "/chat/<roomId>", Pattern = "/chat/{roomId}", HandlerName = "Chat.Room";
        //     public static Task HandleAsync(WebSocket socket)   // the runtime's connection, seen as what users name
        //     {
        //         var roomId = HandshakeBinder.GetRouteValue(httpContext, "roomId");           // one block per parameter,
        //         if (roomId is null) { return HandshakeBinder.RejectAsync(socket, 400, ...); } // refusing what does not bind
        //         return global::Chat.Room(socket, roomId);
        //     }
        //
        // HandleAsync is not async: it returns the handler's task, so an idle connection holds no frame for it.
        // }
        // }
        private static SourceWriter EmitHandler(HandlerSpec handler, string routeTableName)
        {
            var names = new LocalNames(handler.Parameters);
            var writer = new SourceWriter();
            WriteHeader(writer);
            writer.WriteLine($"namespace {GeneratedNamespace};");
            writer.WriteLine();
            writer.WriteLine("// Nested in this assembly's route table class: no generated name clashes with another assembly's (CS0436).");
            writer.WriteLine($"public static partial class {routeTableName}");
            writer.OpenBlock();
            writer.WriteLine($"/// <summary>The WebSocket route <c>{EscapeXml(handler.Template)}</c>, served by <c>{EscapeXml(handler.HandlerName)}</c>.</summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            writer.WriteLine($"internal static class {handler.IdentifierName}");
            writer.OpenBlock();
            writer.WriteLine("/// <summary>The template as written in <c>[WebSocket]</c>.</summary>");
            writer.WriteLine($"public const string Template = {Literal(handler.Template)};");
            writer.WriteLine();
            writer.WriteLine("/// <summary>The ASP.NET Core route pattern that routing matches.</summary>");
            writer.WriteLine($"public const string Pattern = {Literal(handler.Route.Pattern)};");
            writer.WriteLine();
            writer.WriteLine("/// <summary>The handler, for display names and logs.</summary>");
            writer.WriteLine($"public const string HandlerName = {Literal(handler.HandlerName)};");
            writer.WriteLine();
            if (handler.Metadata.Count > 0)
            {
                // public static object[] CreateMetadata() => [ new AuthorizeAttribute("Admins"), ... ];
                writer.WriteLine("/// <summary>The handler's attributes as endpoint metadata, for authorization, CORS, rate limiting and compression.</summary>");
                writer.WriteLine("public static object[] CreateMetadata() =>");
                writer.WriteLine("[");
                writer.Indent();
                foreach (var expression in handler.Metadata)
                {
                    writer.WriteLine(expression + ",");
                }

                writer.Unindent();
                writer.WriteLine("];");
                writer.WriteLine();
            }

            var services = RequiredServices(handler).ToList();
            if (services.Count > 0)
            {
                // public static HandlerServiceDependency[] CreateServices() => [ new("rooms", typeof(IRoomRegistry), "IRoomRegistry", null, false), ... ];
                writer.WriteLine("/// <summary>The services the handler requires, which mapping checks are registered so a missing one fails the start.</summary>");
                writer.WriteLine("public static global::Velithon.Routing.HandlerServiceDependency[] CreateServices() =>");
                writer.WriteLine("[");
                writer.Indent();
                foreach (var service in services)
                {
                    string key = service.Source == BindingSource.KeyedService ? service.Key! : "null";
                    string isConstructor = handler.Endpoint is null ? "false" : "true";
                    writer.WriteLine($"new({Literal(service.Name)}, typeof({service.ServiceTypeOf}), {Literal(service.ServiceDisplayName)}, {key}, {isConstructor}),");
                }

                writer.Unindent();
                writer.WriteLine("];");
                writer.WriteLine();
            }

            writer.WriteLine(handler.Endpoint is null
                ? $"/// <summary>Binds the handshake to the parameters of <c>{EscapeXml(handler.HandlerName)}</c> and runs it; a value that does not bind refuses the handshake with 400.</summary>"
                : $"/// <summary>Binds the handshake to the constructor of <c>{EscapeXml(handler.HandlerName)}</c>, creates the connection's instance and runs its lifecycle; a value that does not bind refuses the handshake with 400.</summary>");
            writer.WriteLine($"public static global::System.Threading.Tasks.Task HandleAsync(global::Velithon.WebSocket {names.Socket})");
            writer.OpenBlock();
            bool needsContext = false;
            foreach (var parameter in handler.Parameters)
            {
                needsContext |= parameter.Source is not (BindingSource.WebSocket or BindingSource.CancellationToken or BindingSource.ContractSocket);
            }

            if (needsContext)
            {
                writer.WriteLine($"var {names.HttpContext} = {names.Socket}.HttpContext;");
            }

            foreach (var parameter in handler.Parameters)
            {
                WriteBinding(writer, parameter, names);
            }

            if (needsContext)
            {
                // A blank line between the binding blocks and the call; a handler that binds nothing has none.
                writer.WriteLine();
            }

            var arguments = new List<string>(handler.Parameters.Count);
            foreach (var parameter in handler.Parameters)
            {
                arguments.Add(parameter.Source switch
                {
                    BindingSource.WebSocket => names.Socket,
                    BindingSource.ContractSocket => names.Contract,
                    BindingSource.CancellationToken => names.Socket + ".Aborted",
                    BindingSource.HttpContext => names.HttpContext,
                    BindingSource.HttpRequest => names.HttpContext + ".Request",
                    BindingSource.HttpResponse => names.HttpContext + ".Response",
                    _ => LocalNames.Local(parameter),
                });
            }

            if (handler.Endpoint is null)
            {
                if (handler.Contract is { } contract)
                {
                    // The typed socket exists before the handler runs, so it can accept, send and dispatch at once.
                    writer.WriteLine($"var {names.Contract} = new {contract.SocketTypeName}({names.Socket}, DispatchAsync);");
                    WriteVersionCheck(writer, names);
                }

                string call = $"{handler.ContainingTypeName}.{Identifier(handler.MethodName)}({string.Join(", ", arguments)})";
                writer.WriteLine(handler.ReturnsValueTask ? $"return {call}.AsTask();" : $"return {call};");
                writer.CloseBlock();
                if (handler.Contract is not null)
                {
                    WriteContractDispatch(writer, handler, handler.Contract);
                }
            }
            else if (handler.Contract is { } contract)
            {
                // One dispatch delegate per connection, bound to its endpoint instance; none per message.
                writer.WriteLine($"var {names.Endpoint} = new {handler.ContainingTypeName}({string.Join(", ", arguments)});");
                writer.WriteLine($"var {names.Contract} = new {contract.SocketTypeName}(");
                writer.Indent();
                writer.WriteLine($"{names.Socket},");
                writer.WriteLine($"({ContractSocketType} {names.DispatchSocket}, in {ContractMessageType} {names.DispatchMessage}) => DispatchAsync({names.Endpoint}, {names.DispatchSocket}, in {names.DispatchMessage}));");
                writer.Unindent();
                WriteVersionCheck(writer, names);
                writer.WriteLine($"return global::Velithon.Endpoints.WebSocketEndpointRunner.RunAsync({names.Contract}, {names.Endpoint});");
                writer.CloseBlock();
                WriteContractDispatch(writer, handler, contract);
            }
            else
            {
                writer.WriteLine($"var {names.Endpoint} = new {handler.ContainingTypeName}({string.Join(", ", arguments)});");
                writer.WriteLine($"return global::Velithon.Endpoints.WebSocketEndpointRunner.RunAsync({names.Socket}, {names.Endpoint}, DispatchAsync);");
                writer.CloseBlock();
                WriteDispatch(writer, handler, handler.Endpoint);
            }

            writer.CloseBlock();
            writer.CloseBlock();
            return writer;
        }

        // private static ValueTask DispatchAsync(ChatEndpoint endpoint, WebSocket socket, WebSocketMessage message) =>
        //     message.IsText ? endpoint.OnReceiveAsync(socket, message.GetText()) : <OnReceiveBytesAsync or refuse with 1003>;
        // With [OnMessage] methods, text goes through a switch on the discriminator instead:
        //     if (discriminator.ValueTextEquals("move"u8)) return endpoint.OnMove(socket, <Move from JSON>);
        private static void WriteDispatch(SourceWriter writer, HandlerSpec handler, EndpointSpec endpoint)
        {
            string discriminatorLiteral = Literal(endpoint.Discriminator);

            // One metadata field per message type, named after its method (numbered when a name repeats).
            var typeInfoNames = new Dictionary<MessageHandlerSpec, string>();
            var taken = new HashSet<string>();
            foreach (var message in endpoint.Messages)
            {
                string name = message.MethodName + "TypeInfo";
                for (int suffix = 2; !taken.Add(name); suffix++)
                {
                    name = message.MethodName + "TypeInfo" + suffix;
                }

                typeInfoNames[message] = name;
                writer.WriteLine();
                writer.WriteLine($"private static readonly global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<{message.MessageTypeName}> {name} =");
                writer.Indent();
                writer.WriteLine($"(global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<{message.MessageTypeName}>){endpoint.JsonContextTypeName}.Default.GetTypeInfo(typeof({message.MessageTypeName}))!;");
                writer.Unindent();
            }

            writer.WriteLine();
            writer.WriteLine($"/// <summary>Hands one received message to <c>{EscapeXml(handler.HandlerName)}</c>.</summary>");
            writer.WriteLine($"private static global::System.Threading.Tasks.ValueTask DispatchAsync({handler.ContainingTypeName} endpoint, global::Velithon.WebSocket socket, global::Velithon.WebSocketMessage message)");
            writer.OpenBlock();
            writer.WriteLine("if (!message.IsText)");
            writer.OpenBlock();
            writer.WriteLine(endpoint.ReceivesBytes
                ? "return endpoint.OnReceiveBytesAsync(socket, message.Data);"
                : "return global::Velithon.Endpoints.WebSocketEndpointRunner.RejectBinaryAsync(socket);");
            writer.CloseBlock();
            writer.WriteLine();
            if (endpoint.JsonContextTypeName is null)
            {
                writer.WriteLine("return endpoint.OnReceiveAsync(socket, message.GetText());");
                writer.CloseBlock();
                return;
            }

            writer.WriteLine("var json = message.Data.Span;");
            writer.WriteLine($"var found = global::Velithon.Endpoints.JsonMessages.FindDiscriminator(json, {discriminatorLiteral}u8, out var discriminator);");
            writer.WriteLine("if (found == global::Velithon.Endpoints.DiscriminatorResult.Malformed)");
            writer.OpenBlock();
            writer.WriteLine($"return global::Velithon.Endpoints.JsonMessages.RejectMalformedAsync(socket, {discriminatorLiteral}, null);");
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine("if (found == global::Velithon.Endpoints.DiscriminatorResult.Missing)");
            writer.OpenBlock();
            writer.WriteLine($"return global::Velithon.Endpoints.JsonMessages.RejectUnknownAsync(socket, {discriminatorLiteral}, null);");
            writer.CloseBlock();
            foreach (var message in endpoint.Messages)
            {
                string call = $"endpoint.{Identifier(message.MethodName)}(socket, value)";
                writer.WriteLine();
                writer.WriteLine($"if (discriminator.ValueTextEquals({Literal(message.Discriminator)}u8))");
                writer.OpenBlock();
                writer.WriteLine($"return global::Velithon.Endpoints.JsonMessages.TryDeserialize(json, {typeInfoNames[message]}, out var value)");
                writer.Indent();
                writer.WriteLine("? " + (message.ReturnsTask ? $"new global::System.Threading.Tasks.ValueTask({call})" : call));
                writer.WriteLine($": global::Velithon.Endpoints.JsonMessages.RejectMalformedAsync(socket, {discriminatorLiteral}, {Literal(message.Discriminator)});");
                writer.Unindent();
                writer.CloseBlock();
            }

            writer.WriteLine();
            writer.WriteLine($"return global::Velithon.Endpoints.JsonMessages.RejectUnknownAsync(socket, {discriminatorLiteral}, discriminator.GetString());");
            writer.CloseBlock();
        }

        /// <summary>The service parameters that must be registered: optional ones (nullable or defaulted) may be missing.</summary>
        private static IEnumerable<ParameterSpec> RequiredServices(HandlerSpec handler) =>
            handler.Parameters.Where(static p => p.Source is BindingSource.Service or BindingSource.KeyedService && !p.IsOptional);

        private static void WriteBinding(SourceWriter writer, ParameterSpec parameter, LocalNames names)
        {
            string local = LocalNames.Local(parameter);
            string services = names.HttpContext + ".RequestServices";
            switch (parameter.Source)
            {
                case BindingSource.WebSocket:
                case BindingSource.ContractSocket:
                case BindingSource.CancellationToken:
                case BindingSource.HttpContext:
                case BindingSource.HttpRequest:
                case BindingSource.HttpResponse:
                    return;
                case BindingSource.User:
                    writer.WriteLine();
                    writer.WriteLine($"// {parameter.Name}: the user of the handshake request");
                    writer.WriteLine($"var {local} = {names.HttpContext}.User;");
                    return;
                case BindingSource.Service:
                    writer.WriteLine();
                    writer.WriteLine($"// {parameter.Name}: service {parameter.ParsedTypeName}");
                    writer.WriteLine(parameter.IsOptional
                        ? $"var {local} = global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetService<{parameter.ParsedTypeName}>({services});"
                        : $"var {local} = global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<{parameter.ParsedTypeName}>({services});");
                    return;
                case BindingSource.KeyedService:
                    writer.WriteLine();
                    writer.WriteLine($"// {parameter.Name}: service {parameter.ParsedTypeName} with key {parameter.Key}");
                    writer.WriteLine(parameter.IsOptional
                        ? $"var {local} = global::Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions.GetKeyedService<{parameter.ParsedTypeName}>({services}, {parameter.Key});"
                        : $"var {local} = global::Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions.GetRequiredKeyedService<{parameter.ParsedTypeName}>({services}, {parameter.Key});");
                    return;
            }

            string source = parameter.Source switch
            {
                BindingSource.Route => "route",
                BindingSource.Query => "query",
                _ => "header",
            };
            string getter = parameter.Source switch
            {
                BindingSource.Route => "GetRouteValue",
                BindingSource.Query => "GetQueryValue",
                _ => "GetHeaderValue",
            };
            string key = Literal(parameter.Key!);
            string missing = $"{Binder}.MissingValue({Literal(source)}, {key})";

            writer.WriteLine();
            writer.WriteLine($"// {parameter.Name}: {source} value {parameter.Key}");
            if (parameter.Parse == ParseKind.None)
            {
                if (!parameter.IsOptional)
                {
                    writer.WriteLine($"var {local} = {Binder}.{getter}({names.HttpContext}, {key});");
                    WriteRejection(writer, $"{local} is null", names.Socket, missing);
                }
                else if (parameter.DefaultValue is "default" or "null")
                {
                    writer.WriteLine($"var {local} = {Binder}.{getter}({names.HttpContext}, {key});");
                }
                else
                {
                    writer.WriteLine($"var {local} = {Binder}.{getter}({names.HttpContext}, {key}) ?? {parameter.DefaultValue};");
                }

                return;
            }

            string text = names.Text(parameter);
            string tryParse = parameter.Parse switch
            {
                ParseKind.Enum => $"{Binder}.TryParseEnum<{parameter.ParsedTypeName}>",
                ParseKind.Integer => $"{Binder}.TryParseInteger<{parameter.ParsedTypeName}>",
                ParseKind.Float => $"{Binder}.TryParseFloat<{parameter.ParsedTypeName}>",
                _ => $"{Binder}.TryParse<{parameter.ParsedTypeName}>",
            };
            string invalid = $"{Binder}.InvalidValue({Literal(source)}, {key}, {text}, {Literal(parameter.ExpectedValue)})";
            writer.WriteLine($"var {text} = {Binder}.{getter}({names.HttpContext}, {key});");
            if (!parameter.IsOptional)
            {
                WriteRejection(writer, $"{text} is null", names.Socket, missing);
                WriteRejection(writer, $"!{tryParse}({text}, out var {local})", names.Socket, invalid);
                return;
            }

            // An optional value that is absent or empty takes its default.
            string parsed = names.Parsed(parameter);
            writer.WriteLine($"{parameter.TypeName} {local} = {parameter.DefaultValue};");
            writer.WriteLine($"if (!string.IsNullOrEmpty({text}))");
            writer.OpenBlock();
            WriteRejection(writer, $"!{tryParse}({text}, out var {parsed})", names.Socket, invalid);
            writer.WriteLine($"{local} = {parsed};");
            writer.CloseBlock();
        }

        // A client built against another version of the contract is refused before the handler runs (4426).
        private static void WriteVersionCheck(SourceWriter writer, LocalNames names)
        {
            writer.WriteLine($"if ({names.Contract}.TryRefuseOtherContractVersion(out var {names.Refusal}))");
            writer.OpenBlock();
            writer.WriteLine($"return {names.Refusal}!;");
            writer.CloseBlock();
            writer.WriteLine();
        }

        private static void WriteRejection(SourceWriter writer, string condition, string socket, string message)
        {
            writer.WriteLine($"if ({condition})");
            writer.OpenBlock();
            writer.WriteLine($"return {Binder}.RejectAsync({socket}, global::Microsoft.AspNetCore.Http.StatusCodes.Status400BadRequest, {message});");
            writer.CloseBlock();
        }

        private static void WriteHeader(SourceWriter writer, string obsolete = "A handler may be obsolete; the route table still serves it.")
        {
            writer.WriteLine("// <auto-generated/>");
            writer.WriteLine("#nullable enable");
            writer.WriteLine("#pragma warning disable CS0612, CS0618 // " + obsolete);
            writer.WriteLine();
        }

        private static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

        private static string Identifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.AwaitKeyword
                ? "@" + name
                : name;

        private static string EscapeXml(string text) =>
            text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

        /// <summary>
        /// Names of the generated method's locals: the handler's parameter names where possible, and
        /// names for the connection, the context and the temporaries that no parameter already uses.
        /// </summary>
        private sealed class LocalNames
        {
            private readonly HashSet<string> _taken = new();

            public LocalNames(EquatableArray<ParameterSpec> parameters)
            {
                foreach (var parameter in parameters)
                {
                    _taken.Add(parameter.Name);
                }

                Socket = Reserve("socket");
                HttpContext = Reserve("httpContext");
                Endpoint = Reserve("endpoint");
                Contract = Reserve("contract");
                DispatchSocket = Reserve("contractSocket");
                DispatchMessage = Reserve("message");
                Refusal = Reserve("refusal");
            }

            /// <summary>The task of a refused contract version.</summary>
            public string Refusal { get; }

            public string Socket { get; }

            /// <summary>The typed socket of a contract route.</summary>
            public string Contract { get; }

            /// <summary>The parameters of an endpoint's dispatch lambda.</summary>
            public string DispatchSocket { get; }

            public string DispatchMessage { get; }

            public string HttpContext { get; }

            public string Endpoint { get; }

            public static string Local(ParameterSpec parameter) => Identifier(parameter.Name);

            public string Text(ParameterSpec parameter) => Reserve(parameter.Name + "Text");

            public string Parsed(ParameterSpec parameter) => Reserve(parameter.Name + "Parsed");

            private string Reserve(string name)
            {
                string candidate = name;
                for (int suffix = 2; !_taken.Add(candidate); suffix++)
                {
                    candidate = name + suffix;
                }

                return candidate;
            }
        }
    }
}
