namespace Velithon.Demo.Board;

/// <summary>A page's reply to <see cref="WhoAreYou"/>.</summary>
/// <param name="Name">The name its user gave, or empty for a guest.</param>
public sealed record Introduction(string Name);
