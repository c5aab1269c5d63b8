namespace Velithon.Demo.Tests;

/// <summary>
/// The packages as a user gets them, packed once for all of <see cref="PackageTests"/> (packing from a clean copy
/// of the repository is the slow part): a local folder feed, and one NuGet package folder that every fresh app made
/// by <see cref="CreateAppAsync"/> restores into, so nothing can come from anywhere else.
/// </summary>
public sealed class PackageFeed : IAsyncLifetime
{
    /// <summary>The version every package is packed with.</summary>
    public const string Version = "0.1.0";

    private readonly string _work = Directory.CreateTempSubdirectory("velithon-package-").FullName;

    public PackageFeed()
    {
        Environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work, "packages") };
    }

    /// <summary>The folder feed that holds Velithon, Velithon.Redis and Velithon.Testing.</summary>
    public string Feed => Path.Combine(_work, "feed");

    /// <summary>The environment of every <c>dotnet</c> command on an app: the package folder of its own.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The <c>Velithon</c> package as NuGet installed it for the apps (after <see cref="CreateAppAsync"/>).</summary>
    public string InstalledVelithon => Path.Combine(Environment["NUGET_PACKAGES"], "velithon", Version);

    public async Task InitializeAsync()
    {
        string repository = DotNet.CopyRepository();
        try
        {
            foreach (string project in new[] { "Velithon.Runtime", "Velithon.Redis", "Velithon.Testing" })
            {
                await DotNet.RunOrFailAsync(repository, null, "pack", $"src/{project}", "-c", "Release", "-o", Feed, "--nologo");
            }
        }
        finally
        {
            Directory.Delete(repository, recursive: true);
        }
    }

    /// <summary>A new <c>dotnet new web</c> app named <paramref name="name"/> that references <c>Velithon</c> from the feed alone.</summary>
    public async Task<string> CreateAppAsync(string name)
    {
        string app = Path.Combine(_work, name);
        await DotNet.RunOrFailAsync(_work, Environment, "new", "web", "-o", app, "--no-restore");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        await DotNet.RunOrFailAsync(app, Environment, "add", "package", "Velithon", "--version", Version);
        return app;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
    }
}
