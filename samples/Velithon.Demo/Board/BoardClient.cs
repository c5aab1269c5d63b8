namespace Velithon.Demo.Board;

/// <summary>
/// <c>Velithon.Demo board-client &lt;server&gt; &lt;boardId&gt; &lt;name&gt; &lt;task&gt;</c>: another .NET program's view of the
/// task board, through the C# client Velithon generated from its contract (<see cref="TaskBoardSocketClient"/>).
/// It answers the server's who-are-you, waits to be announced, adds a task, asks for the board, closes, and prints
/// one line for each. The native binary runs it too: the generated client needs no reflection.
/// </summary>
public static class BoardClient
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Runs the conversation against the demo at <paramref name="server"/>; 0 when it went as expected.</summary>
    public static async Task<int> RunAsync(Uri server, string boardId, string name, string title)
    {
        var joined = new TaskCompletionSource<MemberJoined>(TaskCreationOptions.RunContinuationsAsynchronously);
        var added = new TaskCompletionSource<TaskAdded>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new TaskBoardSocketClient(new ContractClientOptions { Reconnect = null })
        {
            OnWhoAreYou = (request, _) =>
            {
                Console.WriteLine($"asked on {request.Board}");
                return ValueTask.FromResult(new Introduction(name));
            },
            OnMemberJoined = (member, _) =>
            {
                if (member.Name == name)
                {
                    joined.TrySetResult(member);
                }

                return ValueTask.CompletedTask;
            },
            OnTaskAdded = (task, _) =>
            {
                if (task.Task.Title == title)
                {
                    added.TrySetResult(task);
                }

                return ValueTask.CompletedTask;
            },
        };
        client.ErrorReceived += error => Console.WriteLine($"error {error.Message}");

        await client.ConnectBoardAsync(server, boardId);
        var member = await joined.Task.WaitAsync(Patience);
        Console.WriteLine($"joined as {member.Name} ({member.Members} here)");

        await client.SendAsync(new AddTask(title));
        var task = await added.Task.WaitAsync(Patience);
        Console.WriteLine($"added #{task.Task.Id} \"{task.Task.Title}\" in {task.Task.Column} by {task.By}");

        var snapshot = await client.RequestAsync(new GetBoard(), Patience);
        Console.WriteLine($"board {snapshot.Board}: {string.Join(", ", snapshot.Tasks.Select(static t => t.Title))}");

        await client.CloseAsync();
        Console.WriteLine($"closed {client.State}");
        return 0;
    }
}
