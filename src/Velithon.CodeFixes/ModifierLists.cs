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
        if (member.Modifiers.Any(modifier))
        {
            return member;
        }

        int index = 0;
        for (int i = 0; i < member.Modifiers.Count; i++)
        {
            if (IsAccessibility(member.Modifiers[i].Kind()) || member.Modifiers[i].IsKind(SyntaxKind.NewKeyword))
            {
                index = i + 1;
            }
        }

        return Insert(member, index, modifier);
    }

    /// <summary>
    /// <paramref name="member"/> with <paramref name="accessibility"/> (<c>internal</c>) in place of its accessibility
    /// and <c>file</c> modifiers, or first when it has none: <c>private protected static</c> becomes <c>internal static</c>.
    /// </summary>
    public static TMember SetAccessibility<TMember>(TMember member, SyntaxKind accessibility)
        where TMember : MemberDeclarationSyntax
    {
        var modifiers = member.Modifiers;
        int first = -1;
        for (int i = modifiers.Count - 1; i >= 0; i--)
        {
            if (IsAccessibility(modifiers[i].Kind()))
            {
                if (first >= 0)
                {
                    modifiers = modifiers.RemoveAt(first);
                }

                first = i;
            }
        }

        if (first < 0)
        {
            return Insert(member, 0, accessibility);
        }

        var replaced = modifiers[first];
        modifiers = modifiers.Replace(replaced, SyntaxFactory.Token(replaced.LeadingTrivia, accessibility, replaced.TrailingTrivia));
        return (TMember)member.WithModifiers(modifiers);
    }

    /// <summary><paramref name="member"/> without the modifiers of kind <paramref name="kind"/>, their leading trivia kept on the next token.</summary>
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

    private static bool IsAccessibility(SyntaxKind kind) =>
        kind is SyntaxKind.PublicKeyword or SyntaxKind.PrivateKeyword or SyntaxKind.ProtectedKeyword or SyntaxKind.InternalKeyword or SyntaxKind.FileKeyword;

    private static TMember Insert<TMember>(TMember member, int index, SyntaxKind modifier)
        where TMember : MemberDeclarationSyntax
    {
        var token = SyntaxFactory.Token(modifier).WithTrailingTrivia(SyntaxFactory.Space);
        if (index > 0)
        {
            return (TMember)member.WithModifiers(member.Modifiers.Insert(index, token));
        }

        // The first token after the attributes carries the line's indentation: the new first modifier takes it over.
        var first = member.Modifiers.Count > 0 ? member.Modifiers[0] : FirstTokenAfterAttributes(member);
        member = member.ReplaceToken(first, first.WithLeadingTrivia());
        return (TMember)member.WithModifiers(member.Modifiers.Insert(0, token.WithLeadingTrivia(first.LeadingTrivia)));
    }

    private static SyntaxToken FirstTokenAfterAttributes(MemberDeclarationSyntax member) =>
        member.AttributeLists.Count > 0 ? member.AttributeLists[member.AttributeLists.Count - 1].GetLastToken().GetNextToken() : member.GetFirstToken();
}
