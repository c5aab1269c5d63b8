using Velithon;

namespace Velithon.Demo.Board;

/// <summary>
/// A shared task board on a declared contract: pages send <see cref="TaskBoardCommand"/> cases, the server
/// pushes <see cref="TaskBoardEvent"/> cases to everyone on the board, answers <see cref="GetBoard"/> with the
/// board, and asks each new page who its user is (<see cref="WhoAreYou"/>) before telling the others.
/// A message that is not one of the commands, or fails their validation, is answered with an error envelope and
/// the connection stays open.
/// </summary>
[WebSocket("/board/<boardId>")]
[InvalidMessages(InvalidMessageBehavior.SendError)]
[MaxMessageSize(4 * 1024)]
public sealed class TaskBoardEndpoint(string boardId, TaskBoardStore store, IWebSocketHub hub) : WebSocketEndpoint
{
    private const int MaxNameLength = 32;

    /// <summary>How long a page has to say who its user is; a page that does not answer is a guest.</summary>
    private static readonly TimeSpan IntroductionTimeout = TimeSpan.FromSeconds(10);

    private readonly string _group = "board:" + boardId;
    private string _name = "guest";

    public override async ValueTask OnConnectCompleteAsync(WebSocket ws)
    {
        var board = TaskBoardSocket.From(ws);
        hub.AddToGroup(ws, _group);
        try
        {
            var introduction = await board.RequestAsync(new WhoAreYou(boardId), IntroductionTimeout);

            // The page's JSON, not the record's annotations, decides: "name" may be missing or null.
            string name = (introduction.Name ?? "").Trim();
            _name = name.Length == 0 ? "guest" : name[..Math.Min(name.Length, MaxNameLength)];
        }
        catch (Exception exception) when (exception is TimeoutException or WebSocketRequestException)
        {
            // The page did not answer in time, refused with an error envelope, or answered something that is not an
            // Introduction: it stays a guest.
        }

        await TaskBoardSocket.BroadcastAsync(hub.Group(_group), new MemberJoined(_name, hub.GetMemberCount(_group)));
    }

    [OnMessage]
    public async ValueTask OnAdd(TaskBoardSocket socket, AddTask add)
    {
        if (store.Add(boardId, add.Title.Trim()) is not { } task)
        {
            await socket.CloseAsync(WebSocketCloseCode.PolicyViolation, "This board is full.");
            return;
        }

        await TaskBoardSocket.BroadcastAsync(hub.Group(_group), new TaskAdded(task, _name));
    }

    [OnMessage]
    public async ValueTask OnMove(TaskBoardSocket socket, MoveTask move)
    {
        if (store.Move(boardId, move.Id, move.Column))
        {
            await TaskBoardSocket.BroadcastAsync(hub.Group(_group), new TaskMoved(move.Id, move.Column, _name));
        }
    }

    [OnMessage]
    public async ValueTask OnRemove(TaskBoardSocket socket, RemoveTask remove)
    {
        if (store.Remove(boardId, remove.Id))
        {
            await TaskBoardSocket.BroadcastAsync(hub.Group(_group), new TaskRemoved(remove.Id, _name));
        }
    }

    [OnMessage]
    public ValueTask<BoardSnapshot> OnGetBoard(TaskBoardSocket socket, GetBoard request) => new(store.Snapshot(boardId));
}
