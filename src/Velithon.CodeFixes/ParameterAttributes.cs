using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Velithon.CodeFixes;

/// <summary>Marks a parameter with a binding attribute, written as the user would: <c>[FromQuery] string token</c>.</summary>
internal static class ParameterAttributes
{
    /// <summary>
    /// <paramref name="document"/> with <c>[Name(arguments)]</c> after the other attributes of <paramref name="parameter"/>,
    /// <c>Name</c> being <paramref name="attribute"/>'s name without its <c>Attribute</c> suffix, and the
    /// <c>using</c> it needs if the file lacks it.
    /// </summary>
    public static async Task<Document> AddAsync(
        Document document,
        ParameterSyntax parameter,
        INamedTypeSymbol attribute,
        AttributeArgumentListSyntax? arguments,
        CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax?)await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        string shortName = attribute.Name.EndsWith("Attribute", System.StringComparison.Ordinal)
            ? attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length)
            : attribute.Name;
        var (name, import) = TypeNames.Write(model, parameter.SpanStart, attribute, shortName);
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(name, arguments)))
            .WithTrailingTrivia(SyntaxFactory.Space);
        var updated = parameter.WithoutLeadingTrivia()
            .WithAttributeLists(parameter.AttributeLists.Add(list))
            .WithLeadingTrivia(parameter.GetLeadingTrivia());
        return document.WithSyntaxRoot(TypeNames.AddUsing(root.ReplaceNode(parameter, updated), import));
    }
}
