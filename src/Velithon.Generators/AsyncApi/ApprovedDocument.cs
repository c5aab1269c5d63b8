using Microsoft.CodeAnalysis.Diagnostics;

namespace Velithon.Generators.AsyncApi;

/// <summary>
/// The approved copy of the AsyncAPI document, as the build hands it over: an <c>AdditionalFiles</c> item whose
/// <c>VelithonAsyncApi</c> metadata is <c>approved</c> (the Velithon package's targets add it from
/// <c>$(VelithonAsyncApiApproved)</c>, and make the metadata visible with <c>CompilerVisibleItemMetadata</c>).
/// </summary>
/// <param name="Path">The file, for the locations of its diagnostics.</param>
/// <param name="Text">Its content.</param>
internal sealed record ApprovedDocument(string Path, string Text)
{
    public const string MetadataKey = "build_metadata.AdditionalFiles.VelithonAsyncApi";

    public static bool IsApproved(AnalyzerConfigOptions options) =>
        options.TryGetValue(MetadataKey, out var value) && string.Equals(value, "approved", System.StringComparison.OrdinalIgnoreCase);
}
