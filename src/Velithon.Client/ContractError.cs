using System.Collections.Generic;

namespace Velithon;

/// <summary>
/// An <c>error</c> envelope that answers no request of this client: the server rejected a one-way message (its
/// route's <c>SendError</c> policy, docs/contracts.md).
/// </summary>
/// <param name="Message">The envelope's <c>error</c> text.</param>
/// <param name="Errors">For a validation failure, each invalid member's messages by its JSON name (<c>""</c> for the whole object); else null.</param>
public sealed record ContractError(string Message, IReadOnlyDictionary<string, string[]>? Errors);
