using System.Text.Json.Serialization;

namespace Velithon.Benchmarks.Results;

/// <summary>Source-generated JSON for the result files: camelCase, indented, so a diff of two runs reads line by line.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ResultSet))]
internal sealed partial class ResultsJsonContext : JsonSerializerContext;
