namespace Velithon;

/// <summary>
/// A message of the server as a <see cref="ContractClient"/> received it, before its handler runs: a one-way message, or
/// a request of the server (with its <paramref name="Id"/>). Raised by <see cref="ContractClient.MessageReceived"/>.
/// </summary>
/// <param name="Type">The envelope's <c>type</c>, the case's tag.</param>
/// <param name="Id">The request's <c>id</c> for a request of the server; 0 for a one-way message.</param>
/// <param name="Payload">The payload deserialized as the contract's case for <paramref name="Type"/>; null for a tag the contract does not have, or a payload that does not deserialize.</param>
/// <param name="Json">The payload's JSON text, as it arrived.</param>
public sealed record ContractClientMessage(string Type, long Id, object? Payload, string Json);
