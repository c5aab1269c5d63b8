using Velithon.Generators.Helpers;

namespace Velithon.Generators.Model;

/// <summary>Where a handler parameter's value comes from.</summary>
internal enum BindingSource
{
    /// <summary>The connection itself (<c>Velithon.WebSocket</c>).</summary>
    WebSocket,

    /// <summary>The connection's typed socket, of a <c>[WebSocketContract]</c> class.</summary>
    ContractSocket,

    /// <summary>The connection's <c>Aborted</c> token.</summary>
    CancellationToken,
    HttpContext,

    /// <summary><c>HttpContext.Request</c>, the handshake request.</summary>
    HttpRequest,

    /// <summary><c>HttpContext.Response</c>, whose headers go out with the 101 response.</summary>
    HttpResponse,

    /// <summary><c>HttpContext.User</c>.</summary>
    User,
    Route,
    Query,
    Header,
    Service,
    KeyedService,
}

/// <summary>How text becomes the parameter's value.</summary>
internal enum ParseKind
{
    /// <summary>The parameter is a string: no parsing.</summary>
    None,

    /// <summary>Through <c>IParsable&lt;T&gt;</c> with the invariant culture.</summary>
    Parsable,

    /// <summary>An enum member by name.</summary>
    Enum,

    /// <summary>An integer: digits with an optional sign, no thousands separators.</summary>
    Integer,

    /// <summary>A floating-point or decimal number, with a '.' decimal point and no thousands separators.</summary>
    Float,
}

/// <summary>One parameter of a handler, as generated binding code needs it.</summary>
/// <param name="Name">The parameter's name in C#.</param>
/// <param name="TypeName">Its fully qualified type, as written in generated code.</param>
/// <param name="Source">Where its value comes from.</param>
/// <param name="Key">The route, query or header name, or the C# expression of a service key.</param>
/// <param name="Parse">How text becomes its value.</param>
/// <param name="ParsedTypeName">The type to parse into: <see cref="TypeName"/> without <c>Nullable&lt;&gt;</c>.</param>
/// <param name="IsOptional">True when a missing value is allowed.</param>
/// <param name="DefaultValue">The C# expression of the value when missing, for optional parameters.</param>
/// <param name="ExpectedValue">How a 400 response describes a valid value, for example "a valid Int32".</param>
/// <param name="ServiceTypeOf">For a service, its type as <c>typeof</c> takes it (no nullable annotations); else empty.</param>
/// <param name="ServiceDisplayName">For a service, its type as an error message shows it; else empty.</param>
/// <param name="ClientType">For a route, query or header value, its TypeScript type in the typed clients (<c>string</c>, <c>number</c>, <c>"Red" | "Green"</c>); else empty.</param>
internal sealed record ParameterSpec(
    string Name,
    string TypeName,
    BindingSource Source,
    string? Key,
    ParseKind Parse,
    string ParsedTypeName,
    bool IsOptional,
    string DefaultValue,
    string ExpectedValue,
    string ServiceTypeOf = "",
    string ServiceDisplayName = "",
    string ClientType = "");

/// <summary>A <c>[WebSocket]</c> handler, a static method or an endpoint class, as the emitter needs it.</summary>
/// <param name="HandlerName">The display name: <c>Namespace.Type.Method</c>, or <c>Namespace.Type</c> for a class.</param>
/// <param name="ContainingTypeName">The declaring type, or the endpoint class, fully qualified.</param>
/// <param name="MethodName">The method's name; empty for an endpoint class.</param>
/// <param name="ReturnsValueTask">True when the method returns <c>ValueTask</c> rather than <c>Task</c>; false for an endpoint class.</param>
/// <param name="IdentifierName">A name for the generated class, unique per handler in the assembly.</param>
/// <param name="Template">The template as written.</param>
/// <param name="Route">The parsed template.</param>
/// <param name="Parameters">The method's parameters, or the endpoint constructor's, in order.</param>
/// <param name="Endpoint">What an endpoint class receives; null for a method.</param>
/// <param name="Metadata">C# expressions recreating the handler's attributes as endpoint metadata.</param>
/// <param name="Contract">For a contract route, its typed socket and the handlers of its inbound cases; else null.</param>
/// <param name="IsResumable">Whether the handler, or the class of a static handler, has <c>[ResumableSession]</c>.</param>
internal sealed record HandlerSpec(
    string HandlerName,
    string ContainingTypeName,
    string MethodName,
    bool ReturnsValueTask,
    string IdentifierName,
    string Template,
    RouteTemplateSpec Route,
    EquatableArray<ParameterSpec> Parameters,
    EndpointSpec? Endpoint,
    EquatableArray<string> Metadata,
    ContractRouteSpec? Contract = null,
    bool IsResumable = false);

/// <summary>How an endpoint class takes its messages, as far as the generator can see.</summary>
/// <param name="ReceivesBytes">True when the class overrides <c>OnReceiveBytesAsync</c>.</param>
/// <param name="JsonContextTypeName">The <c>JsonSerializerContext</c> of its typed messages, fully qualified; null without them.</param>
/// <param name="Discriminator">The JSON property that picks a typed message's handler.</param>
/// <param name="Messages">The <c>[OnMessage]</c> methods, ordered by discriminator.</param>
internal sealed record EndpointSpec(
    bool ReceivesBytes,
    string? JsonContextTypeName,
    string Discriminator,
    EquatableArray<MessageHandlerSpec> Messages);

/// <summary>One <c>[OnMessage]</c> method.</summary>
/// <param name="Discriminator">The discriminator value it handles.</param>
/// <param name="MethodName">Its name.</param>
/// <param name="MessageTypeName">The message type, fully qualified.</param>
/// <param name="ReturnsTask">True when it returns <c>Task</c> rather than <c>ValueTask</c>.</param>
internal sealed record MessageHandlerSpec(string Discriminator, string MethodName, string MessageTypeName, bool ReturnsTask);
