using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Velithon.CodeFixes;

/// <summary>Adds attribute lines above a declaration, each on its own line, indented as the declaration is.</summary>
internal static class AttributeLines
{
    /// <summary>
    /// <paramref name="member"/> with <paramref name="added"/> (one attribute each) at <paramref name="index"/> among its
    /// attribute lists. When the new ones come first, the first takes over the declaration's leading trivia, its doc
    /// comment included.
    /// </summary>
    public static TMember Insert<TMember>(TMember member, int index, IEnumerable<AttributeSyntax> added)
        where TMember : MemberDeclarationSyntax
    {
        var lists = member.AttributeLists;
        var firstToken = member.GetFirstToken();
        var leading = firstToken.LeadingTrivia;
        var indentation = leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
            ? SyntaxFactory.TriviaList(leading[leading.Count - 1])
            : SyntaxFactory.TriviaList();
        var lineEnd = lists.Count > 0
            ? lists[lists.Count - 1].GetTrailingTrivia()
            : SyntaxFactory.TriviaList(TypeNames.EndOfLine(member.SyntaxTree.GetRoot()));
        var lines = added
            .Select(attribute => SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(attribute)).WithLeadingTrivia(indentation).WithTrailingTrivia(lineEnd))
            .ToList();
        if (lines.Count == 0)
        {
            return member;
        }

        if (index == 0)
        {
            lines[0] = lines[0].WithLeadingTrivia(leading);
            member = member.ReplaceToken(firstToken, firstToken.WithLeadingTrivia(indentation));
            lists = member.AttributeLists;
        }

        return (TMember)member.WithAttributeLists(SyntaxFactory.List(lists.Take(index).Concat(lines).Concat(lists.Skip(index))));
    }
}
