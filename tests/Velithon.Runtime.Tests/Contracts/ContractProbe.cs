using System.Collections.Concurrent;

namespace Velithon.Runtime.Tests.Contracts;

/// <summary>
/// What the contract tests' handlers report and wait for, by a key each test makes unique: how a server request ended,
/// the signals that let a held handler go on, and the token sources a test cancels.
/// </summary>
public static class ContractProbe
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<string>> Outcomes = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Signals = new();
    private static readonly ConcurrentDictionary<string, CancellationTokenSource> Cancellations = new();

    public static string NewKey() => Guid.NewGuid().ToString("N");

    /// <summary>How the request <paramref name="index"/> of <paramref name="key"/> ended, in words.</summary>
    public static Task<string> OutcomeAsync(string key, int index = 0) => Outcome(key, index).Task.WaitAsync(Client.Timeout);

    public static bool HasOutcome(string key, int index = 0) => Outcome(key, index).Task.IsCompleted;

    /// <summary>Records how <paramref name="request"/> ends: "reply:name", "error:text", "timeout", "canceled", "disconnect:code", "refused".</summary>
    public static async Task TrackAsync(string key, int index, Task<NameReply> request)
    {
        string outcome;
        try
        {
            outcome = "reply:" + (await request).Name;
        }
        catch (WebSocketRequestException exception)
        {
            outcome = "error:" + exception.Message;
        }
        catch (TimeoutException)
        {
            outcome = "timeout";
        }
        catch (OperationCanceledException)
        {
            outcome = "canceled";
        }
        catch (WebSocketDisconnectException exception)
        {
            outcome = "disconnect:" + exception.Code;
        }
        catch (InvalidOperationException)
        {
            outcome = "refused";
        }

        Outcome(key, index).TrySetResult(outcome);
    }

    public static void Signal(string key) => SignalSlot(key).TrySetResult();

    public static Task WaitForSignalAsync(string key) => SignalSlot(key).Task.WaitAsync(Client.Timeout);

    /// <summary>The token source the requests of <paramref name="key"/> are canceled with.</summary>
    public static CancellationTokenSource Cancellation(string key) => Cancellations.GetOrAdd(key, static _ => new CancellationTokenSource());

    private static TaskCompletionSource<string> Outcome(string key, int index) =>
        Outcomes.GetOrAdd(key + "#" + index, static _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

    private static TaskCompletionSource SignalSlot(string key) =>
        Signals.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
