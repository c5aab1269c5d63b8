using System.Runtime.Versioning;
using Velithon.Runtime.Tests;

namespace Velithon.Demo.Tests;

/// <summary>
/// What <c>scripts/test.sh</c> installs on a fresh machine: <c>scripts/missing-packages.sh</c> run with a PATH
/// that holds only the commands it needs, so the machine's own Node.js does not hide a missing one.
/// </summary>
[SupportedOSPlatform("linux")] // The script is for Debian.
public sealed class SetupScriptTests : IDisposable
{
    private readonly string _bin = Directory.CreateTempSubdirectory("velithon-path-").FullName;

    public SetupScriptTests()
    {
        foreach (string command in new[] { "dpkg-query", "grep" })
        {
            File.CreateSymbolicLink(Path.Combine(_bin, command), FindOnPath(command));
        }
    }

    [Fact]
    public async Task NoNodeOrNpmCommand_InstallsBothFromDebian()
    {
        string[] missing = await MissingPackagesAsync();

        Assert.Contains("nodejs", missing);
        Assert.Contains("npm", missing);
    }

    [Fact]
    public async Task NodeAndNpmCommandsFromElsewhere_AreLeftAlone()
    {
        AddFakeCommand("node");
        AddFakeCommand("npm");

        string[] missing = await MissingPackagesAsync();

        Assert.DoesNotContain("nodejs", missing);
        Assert.DoesNotContain("npm", missing);
    }

    [Fact]
    public async Task NodeWithoutNpm_InstallsOnlyNpm()
    {
        AddFakeCommand("node");

        string[] missing = await MissingPackagesAsync();

        Assert.DoesNotContain("nodejs", missing);
        Assert.Contains("npm", missing);
    }

    [Fact]
    public async Task DebianPackages_AreDetectedTheSameWithOrWithoutNode()
    {
        string[] withoutNode = await MissingPackagesAsync();
        AddFakeCommand("node");
        AddFakeCommand("npm");
        string[] withNode = await MissingPackagesAsync();

        Assert.Equal(withoutNode.Except(["nodejs", "npm"]), withNode);
    }

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    private async Task<string[]> MissingPackagesAsync()
    {
        var (exitCode, output, errors) = await ExternalProcess.RunAsync(
            "/bin/bash",
            [Path.Combine(ExternalProcess.RepositoryRoot, "scripts", "missing-packages.sh")],
            ExternalProcess.RepositoryRoot,
            new Dictionary<string, string?> { ["PATH"] = _bin },
            TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"missing-packages.sh failed with {exitCode}: {errors}");
        return output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private void AddFakeCommand(string name)
    {
        string path = Path.Combine(_bin, name);
        // Created executable: the script asks `command -v`, which finds only executable files.
        using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
        });
        file.Write("#!/bin/sh\nexit 0\n"u8);
    }

    private static string FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, command))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{command} is not on PATH.");
}
