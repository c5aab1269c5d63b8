using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Velithon.Runtime.Tests.Contracts;

// The contract of the runtime's contract tests, declared as a user would (the two sets, their cases and tags). The
// generator is not asked for its socket: TestBoardSocket is written by hand, as the generator emits it, so the runtime
// is tested apart from the generator.

[JsonDerivedType(typeof(AddCard), "add-card")]
[JsonDerivedType(typeof(MoveCard), "move-card")]
[JsonDerivedType(typeof(GetBoard), "get-board")]
[JsonDerivedType(typeof(AskMe), "ask-me")]
[JsonDerivedType(typeof(FailPlease), "fail-please")]
[JsonDerivedType(typeof(Hold), "hold")]
[JsonDerivedType(typeof(Ask), "ask")]
public abstract record BoardClientMessage;

public sealed record AddCard([property: Required, StringLength(80)] string? Title) : BoardClientMessage;

public sealed record MoveCard(int CardId, string Column) : BoardClientMessage;

public sealed record GetBoard() : BoardClientMessage, IWebSocketRequest<BoardSnapshot>;

/// <summary>A request whose handler asks the client a question itself (<c>RequestAsync</c>) before it replies.</summary>
public sealed record AskMe(string Question) : BoardClientMessage, IWebSocketRequest<Answer>;

/// <summary>A request whose handler throws <see cref="WebSocketRequestException"/> with <see cref="Text"/> (another exception for "crash").</summary>
public sealed record FailPlease(string Text) : BoardClientMessage, IWebSocketRequest<Answer>;

/// <summary>A one-way message whose handler waits for the test's signal <see cref="Key"/> (a handler that does not complete at once).</summary>
public sealed record Hold(string Key) : BoardClientMessage;

/// <summary>
/// Has the server send the client requests in the background and record how they end under <see cref="Key"/>:
/// <see cref="Count"/> of them, with <see cref="TimeoutMilliseconds"/> (0: the options' timeout), cancelable by the test.
/// </summary>
public sealed record Ask(string Key, int Count = 1, int TimeoutMilliseconds = 0) : BoardClientMessage;

[JsonDerivedType(typeof(CardAdded), "card-added")]
[JsonDerivedType(typeof(CardMoved), "card-moved")]
[JsonDerivedType(typeof(AskName), "ask-name")]
public abstract record BoardServerMessage;

public sealed record CardAdded(int CardId, string Title) : BoardServerMessage;

public sealed record CardMoved(int CardId, string Column) : BoardServerMessage;

public sealed record AskName(string Prompt) : BoardServerMessage, IWebSocketRequest<NameReply>;

public sealed record NameReply(string Name);

public sealed record BoardSnapshot(IReadOnlyList<CardAdded> Cards);

public sealed record Answer(string Text);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AddCard))]
[JsonSerializable(typeof(MoveCard))]
[JsonSerializable(typeof(GetBoard))]
[JsonSerializable(typeof(AskMe))]
[JsonSerializable(typeof(FailPlease))]
[JsonSerializable(typeof(Hold))]
[JsonSerializable(typeof(Ask))]
[JsonSerializable(typeof(CardAdded))]
[JsonSerializable(typeof(CardMoved))]
[JsonSerializable(typeof(AskName))]
[JsonSerializable(typeof(NameReply))]
[JsonSerializable(typeof(BoardSnapshot))]
[JsonSerializable(typeof(Answer))]
public sealed partial class BoardTestJson : JsonSerializerContext;
