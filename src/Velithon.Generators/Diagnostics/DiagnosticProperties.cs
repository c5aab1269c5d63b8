namespace Velithon.Generators.Diagnostics;

/// <summary>
/// The names of the <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/> that tell a code fix what to write,
/// shared as source with Velithon.CodeFixes (which does not reference this assembly). Never rename: an editor may
/// pair a code fix assembly with an analyzer of another version.
/// </summary>
internal static class DiagnosticProperties
{
    /// <summary>VLT0001: the template with its slashes put right, when that alone makes it valid (<c>/chat</c> for <c>chat/</c>).</summary>
    public const string FixedTemplate = "FixedTemplate";

    /// <summary>VLT0032: the <c>WebSocketCloseCode</c> constant to write instead of the forbidden code.</summary>
    public const string Replacement = "Replacement";

    /// <summary>
    /// VLT0003: the route parameter's name and the C# type a parameter taking it needs (<c>string</c>, or the
    /// converter's type: <c>int</c> for <c>&lt;int:id&gt;</c>, <c>global::System.Guid</c> for <c>{id:guid}</c>).
    /// </summary>
    public const string RouteParameterName = "RouteParameterName";

    /// <inheritdoc cref="RouteParameterName"/>
    public const string ParameterType = "ParameterType";

    /// <summary>
    /// VLT0018: the metadata name of the <c>JsonSerializerContext</c> named by <c>[JsonMessages]</c>
    /// (<c>Demo.GameJsonContext</c>, <c>Outer+Context</c> when nested), for <c>Compilation.GetTypeByMetadataName</c>.
    /// </summary>
    public const string JsonContextMetadataName = "JsonContextMetadataName";

    /// <summary>VLT0018: the message type as <c>typeof</c> takes it, <c>global::</c>-qualified.</summary>
    public const string MessageType = "MessageType";

    /// <summary>VLT0022: the route parameter a key the template lacks was taken for a typo of (<c>room_id</c> for <c>roomId</c>).</summary>
    public const string MeantKey = "MeantKey";
}
