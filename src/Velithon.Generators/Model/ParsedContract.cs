using Microsoft.CodeAnalysis;
using Velithon.Generators.Helpers;

namespace Velithon.Generators.Model;

/// <summary>What parsing one <c>[WebSocketContract]</c> class gave: its typed socket, or the diagnostics that kept it out.</summary>
/// <param name="Contract">The typed socket; null when the contract has an error.</param>
/// <param name="Client">What its typed clients need, without the routes yet; null when the contract has an error.</param>
/// <param name="Diagnostics">What is wrong with it.</param>
internal sealed record ParsedContract(ContractSpec? Contract, ClientContractSpec? Client, EquatableArray<Diagnostic> Diagnostics)
{
    public static readonly ParsedContract Empty = new(null, null, new EquatableArray<Diagnostic>([]));
}
