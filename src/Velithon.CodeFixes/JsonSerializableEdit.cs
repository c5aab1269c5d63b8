using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// VLT0018's edit: <c>[JsonSerializable(typeof(T))]</c> on the <c>JsonSerializerContext</c> that <c>[JsonMessages]</c>
/// names, in whichever document declares it; for a partial context, the part that already lists types, else the
/// first written one (a source generator's part cannot be edited).
/// </summary>
internal static class JsonSerializableEdit
{
    private const string AttributeMetadataName = "System.Text.Json.Serialization.JsonSerializableAttribute";

    /// <summary>The context's written declaration and the type to add for <paramref name="diagnostic"/>; null when there is none to edit.</summary>
    public static async Task<Target?> FindAsync(Project project, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.JsonContextMetadataName, out var contextName) || contextName is null
            || !diagnostic.Properties.TryGetValue(DiagnosticProperties.MessageType, out var messageType) || messageType is null
            || await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false) is not { } compilation
            || compilation.GetTypeByMetadataName(contextName) is not { } context
            || compilation.GetTypeByMetadataName(AttributeMetadataName) is null)
        {
            return null;
        }

        ClassDeclarationSyntax? chosen = null;
        Document? document = null;
        foreach (var reference in context.DeclaringSyntaxReferences)
        {
            if (project.Solution.GetDocument(reference.SyntaxTree) is not { } candidateDocument
                || await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is not ClassDeclarationSyntax candidate)
            {
                continue;
            }

            if (chosen is null || ListsTypes(candidate) && !ListsTypes(chosen))
            {
                (chosen, document) = (candidate, candidateDocument);
            }
        }

        string shown = messageType.Replace("global::", "");
        return chosen is null ? null : new Target(document!.Id, chosen.Span, context.Name, messageType, shown);
    }

    /// <summary><paramref name="solution"/> with each target's type added to its context, each type once.</summary>
    public static async Task<Solution> AddAsync(Solution solution, IEnumerable<Target> targets, CancellationToken cancellationToken)
    {
        foreach (var byDocument in targets.GroupBy(static t => t.Document))
        {
            var document = solution.GetDocument(byDocument.Key)!;
            var root = (CompilationUnitSyntax?)await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var attribute = model?.Compilation.GetTypeByMetadataName(AttributeMetadataName);
            if (root is null || model is null || attribute is null)
            {
                continue;
            }

            var (name, import) = TypeNames.Write(model, byDocument.First().Span.Start, attribute, "JsonSerializable");
            var types = byDocument
                .GroupBy(t => (ClassDeclarationSyntax)root.FindNode(t.Span))
                .ToDictionary(static g => g.Key, static g => g.Select(static t => t.MessageType).Distinct().ToList());
            root = root.ReplaceNodes(types.Keys, (original, rewritten) => Add(rewritten, name, types[original]));
            solution = solution.WithDocumentSyntaxRoot(document.Id, TypeNames.AddUsing(root, import));
        }

        return solution;
    }

    /// <summary>
    /// <paramref name="declaration"/> with one <c>[JsonSerializable(typeof(T))]</c> line per type, after the ones it
    /// has, else after its other attributes, else first; indented as the declaration is.
    /// </summary>
    private static ClassDeclarationSyntax Add(ClassDeclarationSyntax declaration, NameSyntax name, List<string> messageTypes)
    {
        var lists = declaration.AttributeLists;
        int index = lists.Count;
        for (int i = lists.Count - 1; i >= 0; i--)
        {
            if (IsJsonSerializable(lists[i]))
            {
                index = i + 1;
                break;
            }
        }

        var added = messageTypes.Select(type => SyntaxFactory.Attribute(
            name,
            SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.AttributeArgument(
                SyntaxFactory.TypeOfExpression(SyntaxFactory.ParseTypeName(type).WithAdditionalAnnotations(Simplifier.Annotation)))))));
        return AttributeLines.Insert(declaration, index, added);
    }

    private static bool ListsTypes(ClassDeclarationSyntax declaration) => declaration.AttributeLists.Any(IsJsonSerializable);

    private static bool IsJsonSerializable(AttributeListSyntax list) =>
        list.Attributes.Any(static a => a.Name.ToString().Split('.').Last() is "JsonSerializable" or "JsonSerializableAttribute");

    /// <summary>Where a type goes: the context's declaration (by document and span), and the type as <c>typeof</c> takes it.</summary>
    internal sealed class Target(DocumentId document, Microsoft.CodeAnalysis.Text.TextSpan span, string contextName, string messageType, string shownType)
    {
        public DocumentId Document => document;

        public Microsoft.CodeAnalysis.Text.TextSpan Span => span;

        public string ContextName => contextName;

        /// <summary><c>global::Demo.Unlisted</c>, reduced by the simplifier where the context's file allows.</summary>
        public string MessageType => messageType;

        /// <summary><c>Demo.Unlisted</c>, for the action's title.</summary>
        public string ShownType => shownType;
    }
}
