using Velithon.Generators.Helpers;

namespace Velithon.Generators.Model;

/// <summary>The typed socket of a <c>[WebSocketContract]</c> class, as the emitter writes it.</summary>
/// <param name="DisplayName">The class as users read it, for documentation comments.</param>
/// <param name="Namespace">Its namespace; empty for the global namespace.</param>
/// <param name="ContainingTypes">The declarations of the types it is nested in, outermost first (<c>partial class Outer</c>).</param>
/// <param name="ClassName">Its name.</param>
/// <param name="TypeName">It, fully qualified.</param>
/// <param name="HintName">The generated file's name.</param>
/// <param name="JsonContextTypeName">The <c>JsonSerializerContext</c> with the metadata of every case and reply, fully qualified.</param>
/// <param name="Outbound">The cases the server sends, ordered by tag.</param>
/// <param name="Document">The contract's part of the AsyncAPI document, with its version.</param>
internal sealed record ContractSpec(
    string DisplayName,
    string Namespace,
    EquatableArray<string> ContainingTypes,
    string ClassName,
    string TypeName,
    string HintName,
    string JsonContextTypeName,
    EquatableArray<ContractCaseSpec> Outbound,
    ContractDocumentSpec Document);

/// <summary>One case of a message set.</summary>
/// <param name="Tag">Its <c>type</c> in the envelope.</param>
/// <param name="TypeName">Its type, fully qualified.</param>
/// <param name="ShortName">Its type's name as an identifier, for the names of cached metadata.</param>
/// <param name="ReplyTypeName">For a request (<c>IWebSocketRequest&lt;TReply&gt;</c>), the reply type fully qualified; else null.</param>
/// <param name="ReplyShortName">The reply type's name as an identifier; else null.</param>
/// <param name="IsPublic">
/// Whether the case and its reply are visible outside the assembly: the typed socket's members that take them are
/// public then, internal otherwise (a public member cannot take an internal type, CS0051).
/// </param>
internal sealed record ContractCaseSpec(string Tag, string TypeName, string ShortName, string? ReplyTypeName, string? ReplyShortName, bool IsPublic = true);
