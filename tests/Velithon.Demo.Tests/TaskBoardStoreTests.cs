using Velithon.Demo.Board;

namespace Velithon.Demo.Tests;

/// <summary>The demo's board store is bounded: any URL names a board, so boards cannot grow without end.</summary>
public sealed class TaskBoardStoreTests
{
    [Fact]
    public void NewBoardBeyondTheBound_IsRefused_WhileExistingBoardsTakeTasks()
    {
        var store = new TaskBoardStore(maxBoards: 2);
        Assert.NotNull(store.Add("a", "one"));
        Assert.NotNull(store.Add("b", "one"));

        Assert.Null(store.Add("c", "one"));
        Assert.Empty(store.Snapshot("c").Tasks);
        Assert.Equal(2, store.Add("a", "two")!.Id);
    }
}
