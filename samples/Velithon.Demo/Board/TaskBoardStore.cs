namespace Velithon.Demo.Board;

/// <summary>
/// The boards of this instance, in memory: tasks per board id. Thread-safe; one lock per board. Bounded: a board
/// holds at most 200 tasks, and the store at most <c>maxBoards</c> boards, since any URL names a board.
/// </summary>
/// <param name="maxBoards">How many boards the store may hold; a task for a new board beyond it is refused.</param>
public sealed class TaskBoardStore(int maxBoards)
{
    private const int MaxTasksPerBoard = 200;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, BoardState> _boards = new(StringComparer.Ordinal);

    /// <summary>A store of at most 1,000 boards.</summary>
    public TaskBoardStore()
        : this(1000)
    {
    }

    /// <summary>
    /// Adds a task to the first column; null when the board already holds its maximum of tasks, or is a new board
    /// and the store already holds its maximum of boards.
    /// </summary>
    public BoardTask? Add(string board, string title)
    {
        if (!_boards.TryGetValue(board, out var state))
        {
            // Boards are never removed, so a count at the bound stays there; two racing adds may pass it by one each.
            if (_boards.Count >= maxBoards)
            {
                return null;
            }

            state = _boards.GetOrAdd(board, static _ => new BoardState());
        }

        lock (state)
        {
            if (state.Tasks.Count >= MaxTasksPerBoard)
            {
                return null;
            }

            var task = new BoardTask(++state.LastId, title, "todo");
            state.Tasks.Add(task);
            return task;
        }
    }

    /// <summary>Moves a task; false when the board has no such task.</summary>
    public bool Move(string board, int id, string column) =>
        Update(board, id, tasks =>
        {
            int index = tasks.FindIndex(t => t.Id == id);
            tasks[index] = tasks[index] with { Column = column };
        });

    /// <summary>Removes a task; false when the board has no such task.</summary>
    public bool Remove(string board, int id) => Update(board, id, tasks => tasks.RemoveAll(t => t.Id == id));

    /// <summary>Every task of the board, in the order they were added.</summary>
    public BoardSnapshot Snapshot(string board)
    {
        if (!_boards.TryGetValue(board, out var state))
        {
            return new BoardSnapshot(board, []);
        }

        lock (state)
        {
            return new BoardSnapshot(board, state.Tasks.ToArray());
        }
    }

    private bool Update(string board, int id, Action<List<BoardTask>> change)
    {
        if (!_boards.TryGetValue(board, out var state))
        {
            return false;
        }

        lock (state)
        {
            if (!state.Tasks.Exists(t => t.Id == id))
            {
                return false;
            }

            change(state.Tasks);
            return true;
        }
    }

    private sealed class BoardState
    {
        public List<BoardTask> Tasks { get; } = [];

        public int LastId { get; set; }
    }
}
