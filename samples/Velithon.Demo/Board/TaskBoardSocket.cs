using Velithon;

namespace Velithon.Demo.Board;

/// <summary>
/// The task board's typed socket: Velithon's generator gives it one <c>SendAsync</c> per
/// <see cref="TaskBoardEvent"/> case, <c>RequestAsync</c> for <see cref="WhoAreYou"/>, and a typed
/// <c>BroadcastAsync</c>, so the server cannot send the page anything the contract does not declare.
/// </summary>
[WebSocketContract(typeof(TaskBoardCommand), typeof(TaskBoardEvent), typeof(DemoJsonContext))]
public sealed partial class TaskBoardSocket;
