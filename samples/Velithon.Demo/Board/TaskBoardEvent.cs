using System.Text.Json.Serialization;
using Velithon;

namespace Velithon.Demo.Board;

/// <summary>What the server sends a task board page: the route's outbound message set.</summary>
[JsonDerivedType(typeof(TaskAdded), "task-added")]
[JsonDerivedType(typeof(TaskMoved), "task-moved")]
[JsonDerivedType(typeof(TaskRemoved), "task-removed")]
[JsonDerivedType(typeof(MemberJoined), "member-joined")]
[JsonDerivedType(typeof(WhoAreYou), "who-are-you")]
public abstract record TaskBoardEvent;

/// <summary>A task was added, by <paramref name="By"/>.</summary>
public sealed record TaskAdded(BoardTask Task, string By) : TaskBoardEvent;

/// <summary>A task moved to <paramref name="Column"/>.</summary>
public sealed record TaskMoved(int Id, string Column, string By) : TaskBoardEvent;

/// <summary>A task was removed.</summary>
public sealed record TaskRemoved(int Id, string By) : TaskBoardEvent;

/// <summary>Someone opened the board.</summary>
public sealed record MemberJoined(string Name, int Members) : TaskBoardEvent;

/// <summary>The server asks a new page for its user's name: a request, answered with an <see cref="Introduction"/>.</summary>
public sealed record WhoAreYou(string Board) : TaskBoardEvent, IWebSocketRequest<Introduction>;
