using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Parsing;

/// <summary>
/// A <c>[WebSocketContract]</c> class as one parse sees it, with its symbols: the routes that speak it read its
/// inbound cases from here. It never leaves the parse (the pipeline holds <see cref="Model.ContractSpec"/>).
/// </summary>
/// <param name="Socket">The typed socket class.</param>
/// <param name="Context">Its <c>JsonSerializerContext</c>.</param>
/// <param name="InboundSet">The base of the cases clients send.</param>
/// <param name="Inbound">The cases clients send, in declaration order.</param>
/// <param name="Outbound">The cases the server sends, in declaration order.</param>
internal sealed record ContractShape(
    INamedTypeSymbol Socket,
    INamedTypeSymbol Context,
    INamedTypeSymbol InboundSet,
    IReadOnlyList<ContractCase> Inbound,
    IReadOnlyList<ContractCase> Outbound);

/// <summary>One case of a message set.</summary>
/// <param name="Tag">Its string discriminator, the envelope's <c>type</c>.</param>
/// <param name="Type">The case type.</param>
/// <param name="Reply">The <c>TReply</c> of its <c>IWebSocketRequest&lt;TReply&gt;</c>; null when it is not a request.</param>
/// <param name="Validator">For an inbound case, the checks its validation attributes declare; else null.</param>
/// <param name="Location">Its <c>[JsonDerivedType]</c>, where diagnostics about it go.</param>
internal sealed record ContractCase(string Tag, INamedTypeSymbol Type, ITypeSymbol? Reply, Model.ValidatorSpec? Validator, Location? Location);
