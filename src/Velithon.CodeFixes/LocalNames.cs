using System.Linq;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Velithon.CodeFixes;

/// <summary>Whether a new parameter's name is free in a method.</summary>
internal static class LocalNames
{
    /// <summary>
    /// True when a parameter, or a local, pattern variable, loop or catch variable, local function or lambda
    /// parameter of the body, has <paramref name="name"/>: a new parameter of that name would clash (CS0100, CS0136).
    /// </summary>
    public static bool IsTaken(BaseMethodDeclarationSyntax method, string name) =>
        method.ParameterList.Parameters.Any(p => p.Identifier.ValueText == name)
        || method.DescendantNodes().Any(node => node switch
        {
            VariableDeclaratorSyntax v => v.Identifier.ValueText == name,
            SingleVariableDesignationSyntax d => d.Identifier.ValueText == name,
            ForEachStatementSyntax f => f.Identifier.ValueText == name,
            CatchDeclarationSyntax c => c.Identifier.ValueText == name,
            LocalFunctionStatementSyntax l => l.Identifier.ValueText == name,
            ParameterSyntax p => p.Identifier.ValueText == name,
            _ => false,
        });
}
