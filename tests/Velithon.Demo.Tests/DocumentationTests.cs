using System.Text.RegularExpressions;
using Velithon.Runtime.Tests;

namespace Velithon.Demo.Tests;

/// <summary>
/// The documentation holds together: every relative link resolves, the index lists every page, and the
/// READMEs that packages carry link only absolutely (a package gallery shows the README without the repository
/// around it), to files that exist.
/// </summary>
public sealed partial class DocumentationTests
{
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string>();
        pages.Add("README.md");
        foreach (string page in Directory.EnumerateFiles(Path.Combine(ExternalProcess.RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories).Order())
        {
            pages.Add(Path.GetRelativePath(ExternalProcess.RepositoryRoot, page));
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void RelativeLinks_PointAtFilesThatExist(string page)
    {
        string path = Path.Combine(ExternalProcess.RepositoryRoot, page);
        string folder = Path.GetDirectoryName(path)!;
        var broken = new List<string>();
        foreach (Match link in MarkdownLink().Matches(File.ReadAllText(path)))
        {
            string target = link.Groups["target"].Value;
            if (target.StartsWith("http", StringComparison.Ordinal) || target.StartsWith('#'))
            {
                continue;
            }

            string file = target.Split('#')[0];
            if (!File.Exists(Path.Combine(folder, file)) && !Directory.Exists(Path.Combine(folder, file)))
            {
                broken.Add(target);
            }
        }

        Assert.Empty(broken);
    }

    public static TheoryData<string> PackageReadmes()
    {
        var readmes = new TheoryData<string>();
        foreach (string readme in Directory.EnumerateFiles(Path.Combine(ExternalProcess.RepositoryRoot, "src"), "README.md", SearchOption.AllDirectories).Order())
        {
            readmes.Add(Path.GetRelativePath(ExternalProcess.RepositoryRoot, readme));
        }

        return readmes;
    }

    [Theory]
    [MemberData(nameof(PackageReadmes))]
    public void PackageReadme_LinksAreAbsolute(string readme) =>
        RepositoryLinks.AssertAbsolute(File.ReadAllText(Path.Combine(ExternalProcess.RepositoryRoot, readme)));

    [Fact]
    public void Index_ListsEveryPage()
    {
        string docs = Path.Combine(ExternalProcess.RepositoryRoot, "docs");
        string index = File.ReadAllText(Path.Combine(docs, "README.md"));
        foreach (string page in Directory.EnumerateFiles(docs, "*.md").Select(file => Path.GetFileName(file)))
        {
            if (page != "README.md")
            {
                Assert.Contains($"]({page})", index, StringComparison.Ordinal);
            }
        }
    }
}
