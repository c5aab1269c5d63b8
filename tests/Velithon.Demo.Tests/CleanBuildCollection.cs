namespace Velithon.Demo.Tests;

/// <summary>
/// The tests that build the repository from a clean copy (the Native AOT publish, the packages in a fresh app, the
/// getting-started steps).
/// They share one collection so they run one after another, each with both cores, and carry the trait
/// <see cref="Category"/> so <c>scripts/test.sh</c> runs them after every other test assembly.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CleanBuildCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Clean builds";

    /// <summary>The value of the <c>Category</c> trait that <c>scripts/test.sh</c> filters on.</summary>
    public const string Category = "CleanBuild";
}
