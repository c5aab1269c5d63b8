using System.Text.Json;
using System.Text.Json.Serialization;
using Velithon.Demo.Handlers;

namespace Velithon.Demo;

/// <summary>Source-generated JSON metadata for the demo's messages, so they serialize without reflection under Native AOT.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ChatEvent))]
[JsonSerializable(typeof(StatusUpdate))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
