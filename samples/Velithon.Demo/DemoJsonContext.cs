using System.Text.Json;
using System.Text.Json.Serialization;
using Velithon.Demo.Board;
using Velithon.Demo.Handlers;

namespace Velithon.Demo;

/// <summary>Source-generated JSON metadata for the demo's messages, so they serialize without reflection under Native AOT.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ChatEvent))]
[JsonSerializable(typeof(StatusUpdate))]
[JsonSerializable(typeof(AddTask))]
[JsonSerializable(typeof(MoveTask))]
[JsonSerializable(typeof(RemoveTask))]
[JsonSerializable(typeof(GetBoard))]
[JsonSerializable(typeof(BoardSnapshot))]
[JsonSerializable(typeof(TaskAdded))]
[JsonSerializable(typeof(TaskMoved))]
[JsonSerializable(typeof(TaskRemoved))]
[JsonSerializable(typeof(MemberJoined))]
[JsonSerializable(typeof(WhoAreYou))]
[JsonSerializable(typeof(Introduction))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
