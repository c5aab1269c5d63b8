using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// Fixes VLT0037 (<c>SendJsonAsync&lt;T&gt;</c> or <c>ReceiveJsonAsync&lt;T&gt;</c> without a <c>JsonTypeInfo</c> in a trimmed
/// app) by passing the metadata of a <c>JsonSerializerContext</c> of the project that has it:
/// <c>ws.SendJsonAsync(message, AppJsonContext.Default.ChatMessage)</c>. One action per context whose
/// <c>Default</c> instance has a <c>JsonTypeInfo&lt;T&gt;</c> property (what System.Text.Json's generator writes for each
/// <c>[JsonSerializable]</c> type); none when no context knows the type, since adding it to one is a choice.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PassJsonTypeInfoCodeFixProvider))]
[Shared]
public sealed class PassJsonTypeInfoCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.JsonWithoutTypeInfoInTrimmedApp);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is not CompilationUnitSyntax unit || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax invocation
                || model.GetSymbolInfo(invocation, context.CancellationToken).Symbol is not IMethodSymbol { TypeArguments.Length: 1 } method)
            {
                continue;
            }

            foreach (var (jsonContext, property) in Metadata(model, invocation.SpanStart, method.TypeArguments[0], context.CancellationToken))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Pass {jsonContext.Name}.Default.{property}",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(Pass(unit, model, invocation, method, jsonContext, property))),
                        equivalenceKey: "PassJsonTypeInfo." + jsonContext.ToDisplayString()),
                    diagnostic);
            }
        }
    }

    /// <summary>The call with <c>Context.Default.Property</c> as its <c>typeInfo</c> argument: after the value of a send, first in a receive.</summary>
    private static CompilationUnitSyntax Pass(CompilationUnitSyntax root, SemanticModel model, InvocationExpressionSyntax invocation, IMethodSymbol method, INamedTypeSymbol jsonContext, string property)
    {
        var (name, import) = TypeNames.Write(model, invocation.SpanStart, jsonContext, jsonContext.Name);
        ExpressionSyntax typeInfo = SyntaxFactory.MemberAccessExpression(
            SyntaxKind.SimpleMemberAccessExpression,
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, name, SyntaxFactory.IdentifierName("Default")),
            SyntaxFactory.IdentifierName(property));
        var arguments = invocation.ArgumentList.Arguments;
        var argument = SyntaxFactory.Argument(typeInfo);
        if (arguments.Any(static a => a.NameColon is not null))
        {
            // With named arguments anywhere, a named one fits in any position.
            argument = argument.WithNameColon(SyntaxFactory.NameColon("typeInfo"));
        }

        int index = method.Name == "SendJsonAsync" ? System.Math.Min(1, arguments.Count) : 0;
        var separator = SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space);
        var nodes = arguments.ToList();
        var separators = arguments.GetSeparators().ToList();
        nodes.Insert(index, argument);
        if (nodes.Count > 1)
        {
            separators.Insert(System.Math.Min(index, separators.Count), separator);
        }

        var updated = invocation.WithArgumentList(invocation.ArgumentList.WithArguments(SyntaxFactory.SeparatedList(nodes, separators)));
        return TypeNames.AddUsing(root.ReplaceNode(invocation, updated), import);
    }

    /// <summary>The contexts of the compilation, and their property, that give <paramref name="type"/>'s metadata from <c>Default</c>.</summary>
    private static IEnumerable<(INamedTypeSymbol Context, string Property)> Metadata(SemanticModel model, int position, ITypeSymbol type, CancellationToken cancellationToken)
    {
        var compilation = model.Compilation;
        var contextBase = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializerContext");
        var typeInfo = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.Metadata.JsonTypeInfo`1");
        if (contextBase is null || typeInfo is null)
        {
            yield break;
        }

        foreach (var candidate in Types(compilation.Assembly.GlobalNamespace, cancellationToken).OrderBy(static t => t.ToDisplayString(), System.StringComparer.Ordinal))
        {
            if (candidate.IsAbstract || !DerivesFrom(candidate, contextBase) || !model.IsAccessible(position, candidate)
                || !candidate.GetMembers("Default").OfType<IPropertySymbol>().Any(p => p.IsStatic && SymbolEqualityComparer.Default.Equals(p.Type, candidate) && model.IsAccessible(position, p)))
            {
                continue;
            }

            var property = candidate.GetMembers().OfType<IPropertySymbol>().FirstOrDefault(p =>
                !p.IsStatic
                && p.Type is INamedTypeSymbol { TypeArguments.Length: 1 } propertyType
                && SymbolEqualityComparer.Default.Equals(propertyType.OriginalDefinition, typeInfo)
                && SymbolEqualityComparer.Default.Equals(propertyType.TypeArguments[0], type)
                && model.IsAccessible(position, p));
            if (property is not null)
            {
                yield return (candidate, property.Name);
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> Types(INamespaceSymbol ns, CancellationToken cancellationToken)
    {
        foreach (var member in ns.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var found = member is INamespaceSymbol inner ? Types(inner, cancellationToken) : Nested((INamedTypeSymbol)member);
            foreach (var type in found)
            {
                yield return type;
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> Nested(INamedTypeSymbol type) =>
        new[] { type }.Concat(type.GetTypeMembers().SelectMany(Nested));

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol baseType)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }
}
