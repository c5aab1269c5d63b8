using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Velithon.Runtime.Tests;

/// <summary>Runs a program to completion (node, python, the dotnet CLI) and collects what it printed.</summary>
public static class ExternalProcess
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Runs <paramref name="fileName"/> in the repository root and returns its exit code, its output lines and its errors.</summary>
    public static async Task<(int ExitCode, string[] Lines, string Errors)> RunAsync(string fileName, params string[] arguments)
    {
        var (exitCode, output, errors) = await RunAsync(fileName, arguments, RepositoryRoot, environment: null, DefaultTimeout);
        return (exitCode, output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), errors);
    }

    /// <summary>
    /// Runs <paramref name="fileName"/> in <paramref name="workingDirectory"/> with <paramref name="environment"/>
    /// (a null value removes the variable), killing it after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment,
        TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in {timeout}:\n{await output}\n{await errors}");
        }

        return (process.ExitCode, await output, await errors);
    }

    private static string FindRepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}
