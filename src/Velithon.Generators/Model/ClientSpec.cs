using Velithon.Generators.Helpers;

namespace Velithon.Generators.Model;

/// <summary>
/// What the typed clients of a contract need: its cases both ways with their JSON shapes, and the routes of this
/// assembly that speak it. The TypeScript module and the C# client class are written from it.
/// </summary>
/// <param name="SocketName">The typed socket's name (<c>TaskBoardSocket</c>), the name of the client files and class.</param>
/// <param name="SocketDisplayName">The typed socket as users read it, for comments.</param>
/// <param name="SocketTypeName">The typed socket, fully qualified: the C# client reads its <c>ContractSubprotocol</c>.</param>
/// <param name="Subprotocol">The contract's subprotocol, <c>velithon.&lt;version&gt;</c>, which the clients offer (docs/contracts.md, "The contract version").</param>
/// <param name="Namespace">The socket's namespace; empty for the global namespace.</param>
/// <param name="ContainingTypes">The declarations of the types the socket is nested in, outermost first.</param>
/// <param name="IsPublic">Whether the socket and every case and reply are public: the C# client is public then, internal otherwise.</param>
/// <param name="JsonContextTypeName">The contract's <c>JsonSerializerContext</c>, fully qualified.</param>
/// <param name="Inbound">The cases clients send, ordered by tag.</param>
/// <param name="Outbound">The cases the server sends, ordered by tag.</param>
/// <param name="Types">The JSON shapes of the cases, replies and every type they reach, ordered by TypeScript name.</param>
/// <param name="Routes">The routes of this assembly that speak the contract, ordered by template; filled in from the handlers.</param>
/// <param name="HasClientRuntime">Whether the compilation references <c>Velithon.Client</c>, which the C# client derives from.</param>
internal sealed record ClientContractSpec(
    string SocketName,
    string SocketDisplayName,
    string SocketTypeName,
    string Subprotocol,
    string Namespace,
    EquatableArray<string> ContainingTypes,
    bool IsPublic,
    string JsonContextTypeName,
    EquatableArray<ClientCaseSpec> Inbound,
    EquatableArray<ClientCaseSpec> Outbound,
    EquatableArray<ClientTypeSpec> Types,
    EquatableArray<ClientRouteSpec> Routes,
    bool HasClientRuntime);

/// <summary>One case, as the clients name it.</summary>
/// <param name="Tag">Its <c>type</c> in the envelope.</param>
/// <param name="TypeName">Its C# type, fully qualified.</param>
/// <param name="ShortName">Its C# type's name as an identifier (<c>AddTask</c>).</param>
/// <param name="TsType">Its TypeScript type (an interface of <see cref="ClientContractSpec.Types"/>).</param>
/// <param name="ReplyTypeName">For a request, the reply's C# type, fully qualified; else null.</param>
/// <param name="ReplyTsType">For a request, the reply's TypeScript type; else null.</param>
internal sealed record ClientCaseSpec(string Tag, string TypeName, string ShortName, string TsType, string? ReplyTypeName, string? ReplyTsType);

/// <summary>A named TypeScript type: an interface for a JSON object, or an alias for an enum.</summary>
/// <param name="TsName">Its name in the module, unique there.</param>
/// <param name="CSharpName">The C# type it describes, for the comment above it.</param>
/// <param name="Properties">For an object, its JSON properties in declaration order; empty for an enum.</param>
/// <param name="Alias">For an enum, the union it stands for (<c>"Red" | "Green"</c>, or <c>0 | 1</c>); null for an object.</param>
internal sealed record ClientTypeSpec(string TsName, string CSharpName, EquatableArray<ClientPropertySpec> Properties, string? Alias);

/// <summary>A property of a JSON object.</summary>
/// <param name="JsonName">Its name in JSON: the <c>[JsonPropertyName]</c>, else the context's naming policy applied to its C# name.</param>
/// <param name="TsType">Its TypeScript type (<c>string | null</c>, <c>BoardTask[]</c>).</param>
/// <param name="IsOptional">
/// Whether a client may leave it out: not a positional record parameter without a default, nor <c>required</c>,
/// <c>[JsonRequired]</c> or <c>[Required]</c>, or omitted when default by <c>[JsonIgnore(Condition = ...)]</c>: the
/// AsyncAPI document's rule for its schemas' <c>required</c>.
/// </param>
internal sealed record ClientPropertySpec(string JsonName, string TsType, bool IsOptional);

/// <summary>A route that speaks the contract, as a client connects to it.</summary>
/// <param name="SocketTypeName">The typed socket it speaks, fully qualified.</param>
/// <param name="Template">The template as written in <c>[WebSocket]</c>.</param>
/// <param name="Name">The route's name in the clients (<c>Board</c> for <c>/board/&lt;boardId&gt;</c>): <c>connectBoard</c>, <c>ConnectBoardAsync</c>.</param>
/// <param name="Path">The template's pieces in order: literal text, and its parameters.</param>
/// <param name="Query">The query string values the handler binds.</param>
/// <param name="Headers">The header values the handler binds.</param>
internal sealed record ClientRouteSpec(
    string SocketTypeName,
    string Template,
    string Name,
    EquatableArray<ClientPathPartSpec> Path,
    EquatableArray<ClientParameterSpec> Query,
    EquatableArray<ClientParameterSpec> Headers);

/// <summary>A piece of a route template: literal text, or a parameter.</summary>
/// <param name="Literal">The text; null for a parameter.</param>
/// <param name="Parameter">The parameter; null for text.</param>
internal sealed record ClientPathPartSpec(string? Literal, ClientParameterSpec? Parameter);

/// <summary>A value a client gives when it connects.</summary>
/// <param name="Name">Its name in the clients: the handler parameter's name.</param>
/// <param name="Key">The route parameter, query or header name on the wire.</param>
/// <param name="TsType">Its TypeScript type (<c>string</c>, <c>number</c>, <c>boolean</c>, a union of enum names).</param>
/// <param name="CSharpTypeName">Its C# type, fully qualified, nullable when optional.</param>
/// <param name="IsOptional">Whether the handler binds it when it is missing.</param>
/// <param name="IsCatchAll">For a route parameter, whether it takes the rest of the path, slashes unescaped.</param>
internal sealed record ClientParameterSpec(string Name, string Key, string TsType, string CSharpTypeName, bool IsOptional, bool IsCatchAll);
