using Velithon.Generators.Helpers;

namespace Velithon.Generators.Model;

/// <summary>
/// A route as the AsyncAPI document describes it: its channel, parameters, authorization, close codes and, for a
/// contract route, its messages. Schemas are held as compact JSON text, so the model stays plain data.
/// </summary>
/// <param name="Template">The template as written.</param>
/// <param name="Address">The channel's address: the template with each parameter as <c>{name}</c>.</param>
/// <param name="HandlerName">The handler's display name.</param>
/// <param name="PathParameters">The template's parameters, in order.</param>
/// <param name="Query">The query values the handler binds.</param>
/// <param name="Headers">The header values the handler binds.</param>
/// <param name="Authorization">What <c>[Authorize]</c> asks of the handshake; null when the route has none (or <c>[AllowAnonymous]</c>).</param>
/// <param name="CloseCodes">The close codes a client of the route may see, ordered by code.</param>
/// <param name="Contract">The contract the route speaks; null for a route without one.</param>
internal sealed record RouteDocumentSpec(
    string Template,
    string Address,
    string HandlerName,
    EquatableArray<DocumentParameterSpec> PathParameters,
    EquatableArray<DocumentParameterSpec> Query,
    EquatableArray<DocumentParameterSpec> Headers,
    AuthorizationSpec? Authorization,
    EquatableArray<CloseCodeSpec> CloseCodes,
    ContractDocumentSpec? Contract);

/// <summary>A path, query or header value of a route.</summary>
/// <param name="Name">The route parameter, query key or header name.</param>
/// <param name="Schema">Its JSON Schema, compact.</param>
/// <param name="Required">Whether the handshake is refused (400) without it.</param>
/// <param name="Description">What a valid value is, in words.</param>
internal sealed record DocumentParameterSpec(string Name, string Schema, bool Required, string Description);

/// <summary>The <c>[Authorize]</c> attributes of a route, merged.</summary>
internal sealed record AuthorizationSpec(EquatableArray<string> Policies, EquatableArray<string> Roles, EquatableArray<string> Schemes);

/// <summary>A close code a route may end a connection with.</summary>
/// <param name="Code">The code (RFC 6455 section 7.4).</param>
/// <param name="Description">When it is sent, or the constant reason its handler gives.</param>
/// <param name="Source"><c>handler</c> when the route's code sends it, <c>runtime</c> when a Velithon policy does.</param>
internal sealed record CloseCodeSpec(int Code, string Description, string Source);

/// <summary>A contract's part of the AsyncAPI document.</summary>
/// <param name="SocketName">The typed socket, as users read it.</param>
/// <param name="Version">The contract version: 16 hexadecimal digits of the SHA-256 of the canonical form.</param>
/// <param name="Messages">Its cases, client to server first, each set ordered by tag.</param>
/// <param name="Schemas">The named schemas the payloads refer to, by name.</param>
internal sealed record ContractDocumentSpec(
    string SocketName,
    string Version,
    EquatableArray<ContractMessageSpec> Messages,
    EquatableArray<NamedSchemaSpec> Schemas);

/// <summary>One case of a contract.</summary>
/// <param name="Tag">Its envelope <c>type</c>.</param>
/// <param name="FromClient">True for an inbound case (the client sends it), false for an outbound one.</param>
/// <param name="Payload">The JSON Schema of its payload, compact.</param>
/// <param name="Reply">For a request, the JSON Schema of its reply's payload; else null.</param>
/// <param name="TypeName">The case's C# type, for the message's title.</param>
internal sealed record ContractMessageSpec(string Tag, bool FromClient, string Payload, string? Reply, string TypeName);

/// <summary>A schema under <c>#/components/schemas/</c>.</summary>
internal sealed record NamedSchemaSpec(string Name, string Schema);
