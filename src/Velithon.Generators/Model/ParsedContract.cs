using Microsoft.CodeAnalysis;
using Velithon.Generators.Helpers;

namespace Velithon.Generators.Model;

/// <summary>What parsing one <c>[WebSocketContract]</c> class gave: its typed socket, or the diagnostics that kept it out.</summary>
internal sealed record ParsedContract(ContractSpec? Contract, EquatableArray<Diagnostic> Diagnostics)
{
    public static readonly ParsedContract Empty = new(null, new EquatableArray<Diagnostic>([]));
}
