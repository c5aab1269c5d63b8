namespace Velithon.Benchmarks;

/// <summary>Why and when an idle connection of the benchmark's client ended.</summary>
/// <param name="Kind">How it ended.</param>
/// <param name="Detail">
/// For <see cref="ConnectionEndKind.Close"/> the close code and reason (<c>1001 Idle timeout</c>; <c>1005</c> for a close
/// frame without a body, section 7.1.5); for <see cref="ConnectionEndKind.Reset"/> the <c>SocketError</c>; for
/// <see cref="ConnectionEndKind.Failure"/> the exception's type; otherwise what was wrong or empty.
/// </param>
/// <param name="AtUnixMilliseconds">When the client saw the end, in Unix milliseconds (UTC).</param>
/// <param name="AfterPong">Whether the pong to the client's own final ping had come back by then.</param>
public sealed record ConnectionEnd(ConnectionEndKind Kind, string Detail, long AtUnixMilliseconds, bool AfterPong);
