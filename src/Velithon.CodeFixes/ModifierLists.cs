using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Velithon.CodeFixes;

/// <summary>Adds, replaces and removes modifiers of a member in the order C# style writes them, keeping trivia.</summary>
internal static class ModifierLists
{
    /// <summary>
    /// <paramref name="member"/> with <paramref name="modifier"/> added after its accessibility, <c>new</c> and
    /// <c>file</c> modifiers (<c>public static async</c>, <c>public override async</c>), or first when it has none.
    /// </summary>
    public static TMember Add<TMember>(TMember member, SyntaxKind modifier)
        where TMember : MemberDeclarationSyntax
    {
        var modifiers = member.Modifiers;
        int index = 0;
        for (int i = 0; i < modifiers.Count; i++)
        {
            if (modifiers[i].Kind() is SyntaxKind.PublicKeyword or SyntaxKind.PrivateKeyword or SyntaxKind.ProtectedKeyword
                or SyntaxKind.InternalKeyword or SyntaxKind.NewKeyword or SyntaxKind.FileKeyword)
            {
                index = i + 1;
            }
        }

        var token = SyntaxFactory.Token(modifier).WithTrailingTrivia(SyntaxFactory.Space);
        if (index == 0)
        {
            // The first token of the declaration after its attributes carries the line's indentation: move it.
            var first = modifiers.Count > 0 ? modifiers[0] : FirstTokenAfterAttributes(member);
            token = token.WithLeadingTrivia(first.LeadingTrivia);
            member = member.ReplaceToken(first, first.WithLeadingTrivia());
            return (TMember)member.WithModifiers(member.Modifiers.Insert(0, token));
        }

        return (TMember)member.WithModifiers(modifiers.Insert(index, token));
    }

    /// <summary><paramref name="member"/> without the modifiers of kind <paramref name="kind"/>, their trivia kept on the next token.</summary>
    public static TMember Remove<TMember>(TMember member, SyntaxKind kind)
        where TMember : MemberDeclarationSyntax
    {
        for (int i = member.Modifiers.Count - 1; i >= 0; i--)
        {
            var modifiers = member.Modifiers;
            if (!modifiers[i].IsKind(kind))
            {
                continue;
            }

            // "public new Task" -> "public Task"; "new Task" at the start of a line -> "Task", keeping the indentation.
            var leading = modifiers[i].LeadingTrivia;
            member = (TMember)member.WithModifiers(modifiers.RemoveAt(i));
            if (leading.Count > 0)
            {
                var next = i < member.Modifiers.Count ? member.Modifiers[i] : FirstTokenAfterAttributes(member);
                member = member.ReplaceToken(next, next.WithLeadingTrivia(leading));
            }
        }

        return member;
    }

    private static SyntaxToken FirstTokenAfterAttributes(MemberDeclarationSyntax member)
    {
        var token = member.GetFirstToken();
        return member.AttributeLists.Count > 0 ? member.AttributeLists[member.AttributeLists.Count - 1].GetLastToken().GetNextToken() : token;
    }
}
