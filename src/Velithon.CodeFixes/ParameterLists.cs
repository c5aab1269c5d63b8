using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Velithon.CodeFixes;

/// <summary>Adds a parameter to a written parameter list, spaced the way the list's own parameters are.</summary>
internal static class ParameterLists
{
    /// <summary>
    /// <paramref name="list"/> with <paramref name="parameter"/> at <paramref name="index"/>. The new parameter and its
    /// comma copy the trivia of the neighbour they follow, so a list written one parameter per line stays so.
    /// </summary>
    public static ParameterListSyntax Insert(ParameterListSyntax list, int index, ParameterSyntax parameter)
    {
        var nodes = list.Parameters.ToList();
        var separators = list.Parameters.GetSeparators().ToList();
        if (nodes.Count == 0)
        {
            return list.WithParameters(SyntaxFactory.SingletonSeparatedList(parameter.WithoutLeadingTrivia()));
        }

        var comma = separators.Count > 0
            ? separators[System.Math.Min(index > 0 ? index - 1 : 0, separators.Count - 1)]
            : SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space);
        if (index >= nodes.Count)
        {
            // (a, b) -> (a, b, new): the new parameter takes over b's trailing trivia (a comment before ')').
            var last = nodes[nodes.Count - 1];
            var leading = separators.Count > 0 ? last.GetLeadingTrivia() : default;
            nodes[nodes.Count - 1] = last.WithTrailingTrivia();
            nodes.Add(parameter.WithLeadingTrivia(leading).WithTrailingTrivia(last.GetTrailingTrivia()));
            separators.Add(comma);
        }
        else
        {
            // (a, b) -> (a, new, b) or (new, a): the new parameter stands where the old one stood.
            nodes.Insert(index, parameter.WithLeadingTrivia(nodes[index].GetLeadingTrivia()));
            separators.Insert(index, comma);
        }

        return list.WithParameters(SyntaxFactory.SeparatedList(nodes, separators));
    }
}
