using Velithon.Generators.Helpers;

namespace Velithon.Generators.Model;

/// <summary>How a contract route dispatches the inbound cases of its typed socket.</summary>
/// <param name="SocketTypeName">The typed socket, fully qualified.</param>
/// <param name="JsonContextTypeName">The contract's <c>JsonSerializerContext</c>, fully qualified.</param>
/// <param name="Handlers">One handler per inbound case, ordered by tag.</param>
internal sealed record ContractRouteSpec(
    string SocketTypeName,
    string JsonContextTypeName,
    EquatableArray<ContractHandlerSpec> Handlers);

/// <summary>One <c>[OnMessage]</c> method of a contract route.</summary>
/// <param name="Case">The inbound case it handles.</param>
/// <param name="MethodName">Its name.</param>
/// <param name="ReturnsTask">True when it returns <c>Task</c> or <c>Task&lt;TReply&gt;</c> rather than a <c>ValueTask</c>.</param>
/// <param name="Validator">The checks of the case's validation attributes; null when it has none.</param>
/// <param name="ReplyMayBeNull">True when it returns a request's reply annotated nullable (<c>ValueTask&lt;Item?&gt;</c>).</param>
internal sealed record ContractHandlerSpec(
    ContractCaseSpec Case,
    string MethodName,
    bool ReturnsTask,
    ValidatorSpec? Validator,
    bool ReplyMayBeNull = false);
