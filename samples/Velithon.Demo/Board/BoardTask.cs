namespace Velithon.Demo.Board;

/// <summary>One task of a board.</summary>
/// <param name="Id">Unique on its board.</param>
/// <param name="Title">What to do.</param>
/// <param name="Column"><c>todo</c>, <c>doing</c> or <c>done</c>.</param>
public sealed record BoardTask(int Id, string Title, string Column);
