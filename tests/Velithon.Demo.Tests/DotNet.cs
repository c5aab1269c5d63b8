using Velithon.Runtime.Tests;

namespace Velithon.Demo.Tests;

/// <summary>Runs the <c>dotnet</c> CLI the way a user would, and copies the sources for builds that need a clean tree.</summary>
public static class DotNet
{
    // A clean Native AOT publish of the demo takes minutes on two cores; this bounds a hung command, not a slow one.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(20);

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/> and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string directory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var (exitCode, output, errors) = await ExternalProcess.RunAsync("dotnet", arguments, directory, Variables(environment), CommandTimeout);
        return (exitCode, output + errors);
    }

    /// <summary>
    /// The environment for a <c>dotnet</c> command started from a test: <paramref name="environment"/> over the
    /// test run's own, less what would tie the command to the test run (a null value removes a variable).
    /// </summary>
    public static Dictionary<string, string?> Variables(IReadOnlyDictionary<string, string>? environment)
    {
        var variables = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            // Builds started from inside a test run must not join the test run's MSBuild node or its settings.
            ["MSBUILDNOINPROCNODE"] = "1",
            ["MSBuildExtensionsPath"] = null,
            ["MSBuildSDKsPath"] = null,
            ["MSBUILD_EXE_PATH"] = null,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return variables;
    }

    /// <summary>Runs <c>dotnet</c> and fails the test, showing the output, unless it succeeds.</summary>
    public static async Task<string> RunOrFailAsync(string directory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var (exitCode, output) = await RunAsync(directory, environment, arguments);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} failed with {exitCode}:\n{output}");
        return output;
    }

    /// <summary>
    /// Copies what building the libraries and the demo needs (sources, props, global.json, README, LICENSE) to a
    /// new temporary folder, without bin and obj: a clean tree, so a build cannot reuse stale state.
    /// </summary>
    public static string CopyRepository()
    {
        string target = Directory.CreateTempSubdirectory("velithon-repo-").FullName;
        string root = ExternalProcess.RepositoryRoot;
        foreach (string file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "README.md", "LICENSE" })
        {
            File.Copy(Path.Combine(root, file), Path.Combine(target, file));
        }

        foreach (string folder in new[] { "src", "samples" })
        {
            CopyFolder(Path.Combine(root, folder), Path.Combine(target, folder));
        }

        return target;
    }

    private static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (string folder in Directory.EnumerateDirectories(source))
        {
            string name = Path.GetFileName(folder);
            if (name is not ("bin" or "obj"))
            {
                CopyFolder(folder, Path.Combine(target, name));
            }
        }
    }
}
