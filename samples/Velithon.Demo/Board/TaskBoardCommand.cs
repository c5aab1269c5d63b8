using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Velithon;

namespace Velithon.Demo.Board;

/// <summary>
/// What a task board page may send: the route's inbound message set. Each case's tag is the envelope's
/// <c>type</c>; the generated dispatch hands each to its <c>[OnMessage]</c> method in <see cref="TaskBoardEndpoint"/>.
/// </summary>
[JsonDerivedType(typeof(AddTask), "add")]
[JsonDerivedType(typeof(MoveTask), "move")]
[JsonDerivedType(typeof(RemoveTask), "remove")]
[JsonDerivedType(typeof(GetBoard), "get-board")]
public abstract record TaskBoardCommand;

/// <summary>Adds a task to the first column.</summary>
/// <param name="Title">What to do: 1 to 80 characters.</param>
public sealed record AddTask([property: Required, StringLength(80, MinimumLength = 1)] string Title) : TaskBoardCommand;

/// <summary>Moves a task to another column.</summary>
/// <param name="Id">The task.</param>
/// <param name="Column"><c>todo</c>, <c>doing</c> or <c>done</c>.</param>
public sealed record MoveTask(int Id, [property: Required, RegularExpression("^(todo|doing|done)$")] string Column) : TaskBoardCommand;

/// <summary>Removes a task.</summary>
/// <param name="Id">The task.</param>
public sealed record RemoveTask(int Id) : TaskBoardCommand;

/// <summary>Asks for the whole board: a request, answered with a <see cref="BoardSnapshot"/>.</summary>
public sealed record GetBoard : TaskBoardCommand, IWebSocketRequest<BoardSnapshot>;
