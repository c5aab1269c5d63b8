using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Diagnostics;

/// <summary>Every diagnostic Velithon reports, in one table.</summary>
internal static class VelithonDiagnostics
{
    private const string Category = "Velithon";
    private const string HelpLinkBase = "https://github.com/velithon/velithon-dotnet/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor InvalidRouteTemplate = Create(
        DiagnosticIds.InvalidRouteTemplate,
        title: "Invalid WebSocket route template",
        messageFormat: "The route template '{0}' is invalid: {1}");

    public static readonly DiagnosticDescriptor DuplicateRoute = Create(
        DiagnosticIds.DuplicateRoute,
        title: "Duplicate WebSocket route",
        messageFormat: "The route '{0}' of {1} matches the same paths as '{2}' of {3}; change one of the templates",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor RouteParameterWithoutMethodParameter = Create(
        DiagnosticIds.RouteParameterWithoutMethodParameter,
        title: "Route parameter has no method parameter",
        messageFormat: "The route parameter '{0}' has no matching parameter on {1}; add a parameter named '{0}', mark one [FromRoute(Name = \"{0}\")], or read ws.PathParameters[\"{0}\"] in the handler");

    public static readonly DiagnosticDescriptor ParameterBindsFromNothing = Create(
        DiagnosticIds.ParameterBindsFromNothing,
        title: "Handler parameter binds from nothing",
        messageFormat: "The parameter '{0}' binds from nothing: no route parameter is named '{0}'; add <{0}> to the template, or mark it [FromQuery], [FromHeader] or [FromServices]");

    public static readonly DiagnosticDescriptor ParameterTypeNotBindable = Create(
        DiagnosticIds.ParameterTypeNotBindable,
        title: "Parameter type cannot bind from text",
        messageFormat: "The parameter '{0}' of type '{1}' cannot bind from the {2}: use string, a number, bool, Guid, an enum or a type that implements IParsable<T>");

    public static readonly DiagnosticDescriptor RouteConverterTypeMismatch = Create(
        DiagnosticIds.RouteConverterTypeMismatch,
        title: "Route converter and parameter type disagree",
        messageFormat: "The route parameter '{0}' is declared '{1}' but the method parameter has type '{2}'; make the parameter '{3}' or change the converter");

    public static readonly DiagnosticDescriptor HandlerMustBeStatic = Create(
        DiagnosticIds.HandlerMustBeStatic,
        title: "WebSocket handler method must be static",
        messageFormat: "The WebSocket handler '{0}' must be static; make it static, or move the logic into an endpoint class");

    public static readonly DiagnosticDescriptor HandlerNotAccessible = Create(
        DiagnosticIds.HandlerNotAccessible,
        title: "WebSocket handler is not accessible",
        messageFormat: "The WebSocket handler '{0}' must be public or internal, in types that are public or internal, so the generated route table can call it{1}");

    public static readonly DiagnosticDescriptor HandlerMustNotBeGeneric = Create(
        DiagnosticIds.HandlerMustNotBeGeneric,
        title: "WebSocket handler must not be generic",
        messageFormat: "The WebSocket handler '{0}' must not be generic or declared in a generic type; the route table cannot choose type arguments");

    public static readonly DiagnosticDescriptor HandlerMustReturnTask = Create(
        DiagnosticIds.HandlerMustReturnTask,
        title: "WebSocket handler must return Task or ValueTask",
        messageFormat: "The WebSocket handler '{0}' returns '{1}'; make it return Task or ValueTask (for example 'async Task')");

    public static readonly DiagnosticDescriptor HandlerMissingWebSocketParameter = Create(
        DiagnosticIds.HandlerMissingWebSocketParameter,
        title: "WebSocket handler has no WebSocket parameter",
        messageFormat: "The WebSocket handler '{0}' needs exactly one parameter of type Velithon.WebSocket to talk to its client; {1}");

    public static readonly DiagnosticDescriptor UnsupportedParameter = Create(
        DiagnosticIds.UnsupportedParameter,
        title: "Unsupported WebSocket handler parameter",
        messageFormat: "The parameter '{0}' is not supported: {1}");

    public static readonly DiagnosticDescriptor EndpointMustDeriveFromWebSocketEndpoint = Create(
        DiagnosticIds.EndpointMustDeriveFromWebSocketEndpoint,
        title: "WebSocket endpoint class must derive from WebSocketEndpoint",
        messageFormat: "The class '{0}' has [WebSocket] but does not derive from Velithon.WebSocketEndpoint; derive from it, or put [WebSocket] on a static method instead");

    public static readonly DiagnosticDescriptor EndpointClassNotInstantiable = Create(
        DiagnosticIds.EndpointClassNotInstantiable,
        title: "WebSocket endpoint class cannot be instantiated",
        messageFormat: "The endpoint class '{0}' is {1}; the route table creates one instance per connection, so make it a concrete, non-static class");

    public static readonly DiagnosticDescriptor EndpointConstructorNotUsable = Create(
        DiagnosticIds.EndpointConstructorNotUsable,
        title: "WebSocket endpoint class has no usable constructor",
        messageFormat: "The endpoint class '{0}' {1}");

    public static readonly DiagnosticDescriptor LifecycleMethodNotOverride = Create(
        DiagnosticIds.LifecycleMethodNotOverride,
        title: "Lifecycle method does not override WebSocketEndpoint",
        messageFormat: "The method '{0}' is named like a lifecycle method but does not override one, so it is never called; declare it '{1}'",
        severity: DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor DuplicateMessageType = Create(
        DiagnosticIds.DuplicateMessageType,
        title: "Two methods handle the same message type",
        messageFormat: "The message type '{0}' is handled by both '{1}' and '{2}'; give each [OnMessage] method its own type");

    public static readonly DiagnosticDescriptor MessageTypeWithoutJsonMetadata = Create(
        DiagnosticIds.MessageTypeWithoutJsonMetadata,
        title: "Message type has no JSON metadata",
        messageFormat: "The message type '{0}' of '{1}' has no metadata in '{2}'; add [JsonSerializable(typeof({0}))] to it");

    public static readonly DiagnosticDescriptor JsonMessagesContextMissing = Create(
        DiagnosticIds.JsonMessagesContextMissing,
        title: "Typed messages need a JSON serializer context",
        messageFormat: "The endpoint '{0}' has [OnMessage] methods but {1}; add [JsonMessages(typeof(AppJsonContext))] naming a source-generated JsonSerializerContext");

    public static readonly DiagnosticDescriptor InvalidMessageHandler = Create(
        DiagnosticIds.InvalidMessageHandler,
        title: "Invalid [OnMessage] method",
        messageFormat: "The [OnMessage] method '{0}' {1}; declare it 'public ValueTask {0}(WebSocket ws, TMessage message)' in the endpoint class");

    public static readonly DiagnosticDescriptor ConflictingTextReceivers = Create(
        DiagnosticIds.ConflictingTextReceivers,
        title: "Text messages have two receivers",
        messageFormat: "The endpoint '{0}' overrides OnReceiveAsync and has [OnMessage] methods; each text message goes to the [OnMessage] methods, so the override is never called for text; remove the override or the [OnMessage] methods",
        severity: DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor PathParameterNotInTemplate = Create(
        DiagnosticIds.PathParameterNotInTemplate,
        title: "Path parameter read that the route does not have",
        messageFormat: "The handler reads the path parameter '{0}', but the route '{1}' has no parameter '{0}' ({2}), so the read always finds nothing; {3}");

    public static readonly DiagnosticDescriptor RouteParameterNameMismatch = Create(
        DiagnosticIds.RouteParameterNameMismatch,
        title: "Route parameter and method parameter are spelled differently",
        messageFormat: "The route parameter '{0}' matches no parameter of {1}; did you mean the parameter '{2}'? Rename one of them so they match, or mark the parameter [FromRoute(Name = \"{0}\")]");

    public static readonly DiagnosticDescriptor UnsupportedHandlerDeclaration = Create(
        DiagnosticIds.UnsupportedHandlerDeclaration,
        title: "[WebSocket] on a declaration that cannot be a handler",
        messageFormat: "[WebSocket] is on {0}, which the route table cannot call, so no route is mapped; put it on a static method of a class, or on a class deriving from WebSocketEndpoint");

    public static readonly DiagnosticDescriptor RoutesNeverMapped = Create(
        DiagnosticIds.RoutesNeverMapped,
        title: "WebSocket routes are declared but never mapped",
        messageFormat: "{0}, but nothing calls app.MapVelithon(), so every WebSocket request gets 404; call app.MapVelithon() after builder.Build()",
        severity: DiagnosticSeverity.Warning,
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor MapVelithonMapsNothing = Create(
        DiagnosticIds.MapVelithonMapsNothing,
        title: "MapVelithon() maps no routes",
        messageFormat: "MapVelithon() maps the [WebSocket] routes of this assembly and of the assemblies it references, and there are none, so every WebSocket request gets 404; declare handlers here, or reference the project that declares them (from a test project, a ProjectReference to the application)",
        severity: DiagnosticSeverity.Warning,
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor DuplicateRouteAcrossAssemblies = Create(
        DiagnosticIds.DuplicateRouteAcrossAssemblies,
        title: "Route clashes with a route of a referenced assembly",
        messageFormat: "The route '{0}' of {1} matches the same paths as '{2}' of {3} in the referenced assembly {4}, and MapVelithon() maps both; change one of the templates",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor EndpointMetadataNotRecreated = Create(
        DiagnosticIds.EndpointMetadataNotRecreated,
        title: "Endpoint metadata attribute cannot be recreated",
        messageFormat: "The attribute '{0}' carries {1}, but the route table cannot recreate it, so the route is not mapped rather than served without it: {2}");

    public static readonly DiagnosticDescriptor AttributeNotRecreated = Create(
        DiagnosticIds.AttributeNotRecreated,
        title: "Attribute left out of the endpoint metadata",
        messageFormat: "The attribute '{0}' is not in the route's endpoint metadata: {1}",
        severity: DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor InvalidPolicyValue = Create(
        DiagnosticIds.InvalidPolicyValue,
        title: "Route policy value the runtime cannot use",
        messageFormat: "The {1} of [{0}] is {2}, which the runtime cannot use; {3}");

    public static readonly DiagnosticDescriptor PolicyWeakenedWithoutReason = Create(
        DiagnosticIds.PolicyWeakenedWithoutReason,
        title: "Route policy weakens a safe default without a reason",
        messageFormat: "{0} {1}; if that is meant, say why with Reason = \"...\" on the attribute",
        severity: DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ForbiddenCloseCode = Create(
        DiagnosticIds.ForbiddenCloseCode,
        title: "Close code a server may not send",
        messageFormat: "The close code {0} {1}, so the close throws ArgumentOutOfRangeException at run time; use 1000-1003, 1007-1014, or 3000-4999 for your own codes (RFC 6455 section 7.4){2}");

    public static readonly DiagnosticDescriptor CloseReasonTooLong = Create(
        DiagnosticIds.CloseReasonTooLong,
        title: "Close reason longer than a close frame allows",
        messageFormat: "The close reason is {0} UTF-8 bytes, but a close frame carries at most 123 (RFC 6455 section 5.5), so the close throws ArgumentException at run time; shorten it");

    public static readonly DiagnosticDescriptor UseAfterClose = Create(
        DiagnosticIds.UseAfterClose,
        title: "WebSocket used after CloseAsync",
        messageFormat: "'{0}' runs after '{1}.CloseAsync' on every path from it, when the connection is already closed, so it throws; move it before the close, or return after closing",
        severity: DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ReceiveLoopWithoutDisconnect = Create(
        DiagnosticIds.ReceiveLoopWithoutDisconnect,
        title: "Receive loop that ends only by an exception",
        messageFormat: "This loop ends only when '{0}' throws WebSocketDisconnectException at the client's close, so no code after it runs; {1}",
        severity: DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor BlockingWaitInHandler = Create(
        DiagnosticIds.BlockingWaitInHandler,
        title: "Blocking wait on a task in a WebSocket handler",
        messageFormat: "'{0}' blocks a thread-pool thread for as long as the task runs, for every connection at once; await the task instead",
        severity: DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor JsonWithoutTypeInfoInTrimmedApp = Create(
        DiagnosticIds.JsonWithoutTypeInfoInTrimmedApp,
        title: "JSON call without JsonTypeInfo in a trimmed or Native AOT app",
        messageFormat: "The project sets {0}, and '{1}' without a JsonTypeInfo finds '{2}' only if a source-generated JsonSerializerContext registered with ConfigureHttpJsonOptions knows it, else it throws at run time; pass the type's metadata, for example {3}",
        severity: DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor HandshakeNeitherAcceptedNorClosed = Create(
        DiagnosticIds.HandshakeNeitherAcceptedNorClosed,
        title: "Handler path returns without accepting or closing",
        messageFormat: "The handler '{0}' can return here without AcceptAsync or CloseAsync, so the handshake is refused with HTTP 403 and no reason; call 'await {1}.CloseAsync(code, reason)' to say why, or accept the connection",
        severity: DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor InvalidContractDeclaration = Create(
        DiagnosticIds.InvalidContractDeclaration,
        title: "Invalid [WebSocketContract] declaration",
        messageFormat: "The contract socket '{0}' {1}");

    public static readonly DiagnosticDescriptor InvalidMessageSet = Create(
        DiagnosticIds.InvalidMessageSet,
        title: "Invalid contract message set",
        messageFormat: "The {0} message set '{1}' of '{2}' {3}");

    public static readonly DiagnosticDescriptor InvalidContractCase = Create(
        DiagnosticIds.InvalidContractCase,
        title: "Invalid contract message case",
        messageFormat: "The case '{0}' of the message set '{1}' {2}");

    public static readonly DiagnosticDescriptor DuplicateContractTag = Create(
        DiagnosticIds.DuplicateContractTag,
        title: "Two cases of a message set share a tag",
        messageFormat: "The tag '{0}' names both '{1}' and '{2}' in the message set '{3}', so a received message could not pick its case; give each case its own tag");

    public static readonly DiagnosticDescriptor ReservedContractTag = Create(
        DiagnosticIds.ReservedContractTag,
        title: "Contract tag reserved by the wire format",
        messageFormat: "The tag '{0}' of '{1}' is reserved: the contract wire format uses 'reply', 'error' and 'cancel' for replies, failures and cancellations; choose another tag");

    public static readonly DiagnosticDescriptor MissingContractHandler = Create(
        DiagnosticIds.MissingContractHandler,
        title: "Contract route has no handler for an inbound case",
        messageFormat: "{0} has no [OnMessage] method for the inbound case '{1}' (tag '{2}') of '{3}', so clients could send it and nothing would handle it; add '{4}'");

    public static readonly DiagnosticDescriptor HandlerCaseNotInContract = Create(
        DiagnosticIds.HandlerCaseNotInContract,
        title: "[OnMessage] method takes a type outside the inbound set",
        messageFormat: "The [OnMessage] method '{0}' takes '{1}', which {2} of '{3}', so no client message would reach it; take one of the inbound cases of '{4}', or add '{1}' to it with [JsonDerivedType]");

    public static readonly DiagnosticDescriptor ContractHandlerReturnMismatch = Create(
        DiagnosticIds.ContractHandlerReturnMismatch,
        title: "Contract handler returns the wrong type for its case",
        messageFormat: "The [OnMessage] method '{0}' returns '{1}', but {2}");

    public static readonly DiagnosticDescriptor MixedContractRoute = Create(
        DiagnosticIds.MixedContractRoute,
        title: "Route mixes contracts or message styles",
        messageFormat: "The route '{0}' {1}; a route speaks one contract, so {2}");

    public static readonly DiagnosticDescriptor ConflictingRequestReplies = Create(
        DiagnosticIds.ConflictingRequestReplies,
        title: "Request with more than one reply type",
        messageFormat: "'{0}' implements IWebSocketRequest<TReply> for {1}, so the reply to it has no one type; implement IWebSocketRequest<TReply> once");

    public static readonly DiagnosticDescriptor ValidationAttributeNotRecreated = Create(
        DiagnosticIds.ValidationAttributeNotRecreated,
        title: "Validation attribute cannot be recreated",
        messageFormat: "The validation attribute '{0}' on '{1}' cannot be recreated by the generated validator, so the route is not mapped rather than let its messages through unchecked: {2}");

    public static readonly DiagnosticDescriptor InvalidContractHandler = Create(
        DiagnosticIds.InvalidContractHandler,
        title: "Invalid contract [OnMessage] method",
        messageFormat: "The [OnMessage] method '{0}' {1}");

    public static readonly DiagnosticDescriptor ContractSocketOfAnotherRoute = Create(
        DiagnosticIds.ContractSocketOfAnotherRoute,
        title: "Typed socket asked of a route that speaks another contract",
        messageFormat: "'{0}.From({1})' throws InvalidOperationException on every connection: {2}");

    public static readonly DiagnosticDescriptor InvalidResumableSessionValue = Create(
        DiagnosticIds.InvalidResumableSessionValue,
        title: "Resumable session value out of range",
        messageFormat: "[ResumableSession] {0} is {1}; it must be from 1 to {2} ({3})");

    public static readonly DiagnosticDescriptor ResumableContractRoute = Create(
        DiagnosticIds.ResumableContractRoute,
        title: "Contract route cannot be a resumable session",
        messageFormat: "'{0}' speaks a contract, and a connection has one subprotocol: its contract's or the resumable session's; remove [ResumableSession]");

    public static readonly DiagnosticDescriptor AsyncApiBreakingChange = Create(
        DiagnosticIds.AsyncApiBreakingChange,
        title: "The AsyncAPI document breaks clients of the approved one",
        messageFormat: "This change breaks clients built against the approved AsyncAPI document: {0}. If it is intended, accept the new document (dotnet build -p:VelithonAcceptAsyncApi=true) and commit it.");

    public static readonly DiagnosticDescriptor InvalidApprovedAsyncApi = Create(
        DiagnosticIds.InvalidApprovedAsyncApi,
        title: "The approved AsyncAPI document cannot be read",
        messageFormat: "The approved AsyncAPI document '{0}' {1}, so the routes cannot be checked against it; restore it from version control, or write the current document over it (dotnet build -p:VelithonAcceptAsyncApi=true)");

    private static DiagnosticDescriptor Create(string id, string title, string messageFormat, params string[] customTags) =>
        Create(id, title, messageFormat, DiagnosticSeverity.Error, customTags);

    private static DiagnosticDescriptor Create(string id, string title, string messageFormat, DiagnosticSeverity severity, params string[] customTags) =>
        new(
            id: id,
            title: title,
            messageFormat: messageFormat,
            category: Category,
            defaultSeverity: severity,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinkBase + id + ".md",
            customTags: customTags);
}
