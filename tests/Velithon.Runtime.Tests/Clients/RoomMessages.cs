using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Velithon;

namespace Velithon.Runtime.Tests.Clients;

// A contract for the typed clients' tests. Its JSON context names members in snake_case and enums by name, so a
// client that used C# names, camelCase or numbers would fail against it.

[JsonDerivedType(typeof(Say), "say")]
[JsonDerivedType(typeof(Sum), "sum")]
[JsonDerivedType(typeof(AskMe), "ask-me")]
[JsonDerivedType(typeof(Stall), "stall")]
[JsonDerivedType(typeof(Leave), "leave")]
public abstract record RoomCommand;

/// <summary>Says something in the room; the server answers with <see cref="Said"/>.</summary>
public sealed record Say(
    [property: Required] string Text,
    Mood Mood,
    [property: JsonPropertyName("tagList")] IReadOnlyList<string> Tags,
    string? Note) : RoomCommand;

/// <summary>A request: the server adds the numbers.</summary>
public sealed record Sum(int[] Values) : RoomCommand, IWebSocketRequest<SumResult>;

/// <summary>Makes the server ask the client a <see cref="Question"/>, and tell what it answered.</summary>
public sealed record AskMe(string Prompt) : RoomCommand;

/// <summary>A request the server never answers: its handler waits for the connection to end.</summary>
public sealed record Stall : RoomCommand, IWebSocketRequest<SumResult>;

/// <summary>Makes the server close the connection with <paramref name="Code"/>, as a restart (1012) or a refusal (4000) would.</summary>
public sealed record Leave(int Code) : RoomCommand;

[JsonDerivedType(typeof(Said), "said")]
[JsonDerivedType(typeof(Question), "question")]
public abstract record RoomEvent;

/// <summary>What the room heard, and from whom: the route, query and header values the connection bound.</summary>
public sealed record Said(int RoomNumber, string? UserName, string? Token, string Text, Mood Mood, IReadOnlyList<string> Tags, string? Note) : RoomEvent;

/// <summary>The server's request, answered with an <see cref="Answer"/>.</summary>
public sealed record Question(string Prompt) : RoomEvent, IWebSocketRequest<Answer>;

public sealed record Answer(string Text, int Length);

public sealed record SumResult(long Total, DateTimeOffset? At);

public enum Mood
{
    Calm,
    Excited,
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Say))]
[JsonSerializable(typeof(Sum))]
[JsonSerializable(typeof(AskMe))]
[JsonSerializable(typeof(Stall))]
[JsonSerializable(typeof(Leave))]
[JsonSerializable(typeof(Said))]
[JsonSerializable(typeof(Question))]
[JsonSerializable(typeof(Answer))]
[JsonSerializable(typeof(SumResult))]
internal sealed partial class RoomJson : JsonSerializerContext;

[WebSocketContract(typeof(RoomCommand), typeof(RoomEvent), typeof(RoomJson))]
public sealed partial class RoomSocket;
