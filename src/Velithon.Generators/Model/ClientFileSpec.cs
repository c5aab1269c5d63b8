namespace Velithon.Generators.Model;

/// <summary>A contract's clients as one generated file writes them: in the assembly's clients class.</summary>
/// <param name="Contract">The contract and its routes.</param>
/// <param name="ClientsClassName">The assembly's clients class (<c>VelithonClients_App</c>), which holds the modules' text.</param>
/// <param name="Identifier">The contract's class in it: the socket's full name as an identifier.</param>
internal sealed record ClientFileSpec(ClientContractSpec Contract, string ClientsClassName, string Identifier);

/// <summary>A contract's client files, as the assembly's map method serves them.</summary>
/// <param name="Identifier">The contract's class in the clients class.</param>
/// <param name="SocketName">The socket's name, the files' name unless another contract has it too.</param>
/// <param name="SocketDisplayName">The socket's full name, for comments and the order of files.</param>
internal sealed record ClientEntrySpec(string Identifier, string SocketName, string SocketDisplayName);
