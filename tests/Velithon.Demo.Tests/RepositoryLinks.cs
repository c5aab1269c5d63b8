using System.Text.RegularExpressions;
using System.Xml.Linq;
using Velithon.Runtime.Tests;

namespace Velithon.Demo.Tests;

/// <summary>Links that must work outside the repository: in a README that a package gallery shows on its own.</summary>
public static partial class RepositoryLinks
{
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    /// <summary>The repository's address, as the packages declare it (RepositoryUrl in src/Directory.Build.props).</summary>
    public static string RepositoryUrl
    {
        get
        {
            var props = XDocument.Load(Path.Combine(ExternalProcess.RepositoryRoot, "src", "Directory.Build.props"));
            return props.Descendants("RepositoryUrl").Single().Value;
        }
    }

    /// <summary>
    /// Fails unless every link in <paramref name="markdown"/> is an absolute https link, and every link into this
    /// repository (<c>{RepositoryUrl}/blob/main/path</c>) names a file or folder that exists.
    /// </summary>
    public static void AssertAbsolute(string markdown)
    {
        string repository = RepositoryUrl + "/blob/main/";
        var links = MarkdownLink().Matches(markdown).Select(link => link.Groups["target"].Value).ToArray();
        Assert.NotEmpty(links);
        Assert.All(links, target =>
        {
            Assert.True(target.StartsWith("https://", StringComparison.Ordinal), $"'{target}' is not an absolute https link.");
            if (target.StartsWith(repository, StringComparison.Ordinal))
            {
                string path = Path.Combine(ExternalProcess.RepositoryRoot, target[repository.Length..].Split('#')[0]);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"'{target}' names nothing in the repository.");
            }
        });
    }
}
