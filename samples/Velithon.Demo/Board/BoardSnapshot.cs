namespace Velithon.Demo.Board;

/// <summary>The reply to <see cref="GetBoard"/>: every task of the board, in the order they were added.</summary>
/// <param name="Board">The board's id.</param>
/// <param name="Tasks">Its tasks.</param>
public sealed record BoardSnapshot(string Board, IReadOnlyList<BoardTask> Tasks);
