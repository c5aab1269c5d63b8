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
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// Fixes VLT0044 (a contract route with no handler for an inbound case) by adding the handler to the class at the
/// diagnostic: <c>[OnMessage] public [static] ValueTask[&lt;TReply&gt;] OnCase(TSocket socket, TCase message)</c>, with a
/// body that throws <see cref="System.NotImplementedException"/> until it is written. What to write comes from the
/// diagnostic's properties, which the generator's parser fills (docs/diagnostics/VLT0044.md). Fix-all adds every
/// missing handler of a document in one edit.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MissingContractHandlerCodeFixProvider))]
[Shared]
public sealed class MissingContractHandlerCodeFixProvider : CodeFixProvider
{
    // The generator's ContractRouteParser property names; this assembly does not reference the generator's.
    private const string SocketTypeProperty = "SocketType";
    private const string CaseTypeProperty = "CaseType";
    private const string ReplyTypeProperty = "ReplyType";
    private const string StaticProperty = "Static";
    private const string MethodNameProperty = "MethodName";

    private const string EquivalenceKey = "AddContractHandler";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingContractHandler);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(static async (context, document, diagnostics) => await AddHandlersAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (Describe(diagnostic) is not { } handler)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add '{handler.MethodName}' for {handler.CaseType}",
                    cancellationToken => AddHandlersAsync(context.Document, [diagnostic], cancellationToken),
                    equivalenceKey: EquivalenceKey),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> AddHandlersAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        // The handlers by the class they go in: the endpoint class, or the class of the static [WebSocket] method.
        var byClass = new Dictionary<TypeDeclarationSyntax, List<MemberDeclarationSyntax>>();
        foreach (var diagnostic in diagnostics.OrderBy(static d => d.Location.SourceSpan.Start))
        {
            if (Describe(diagnostic) is not { } handler
                || root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration)
            {
                continue;
            }

            if (!byClass.TryGetValue(declaration, out var members))
            {
                byClass[declaration] = members = [];
            }

            // A blank line before each handler, as between the class's other members, in the file's own line ending.
            members.Add(handler.ToMember().WithLeadingTrivia(SyntaxFactory.EndOfLine(NewLine(root))));
        }

        var fixedRoot = root.ReplaceNodes(byClass.Keys, (original, _) => original.AddMembers([.. byClass[original]]));
        return document.WithSyntaxRoot(fixedRoot);
    }

    private static string NewLine(SyntaxNode root) =>
        root.DescendantTrivia().FirstOrDefault(static t => t.IsKind(SyntaxKind.EndOfLineTrivia)).ToString() is { Length: > 0 } newLine ? newLine : "\n";

    private static Handler? Describe(Diagnostic diagnostic)
    {
        var properties = diagnostic.Properties;
        return properties.TryGetValue(SocketTypeProperty, out var socket) && socket is not null
            && properties.TryGetValue(CaseTypeProperty, out var @case) && @case is not null
            && properties.TryGetValue(MethodNameProperty, out var method) && method is not null
                ? new Handler(socket, @case, properties.TryGetValue(ReplyTypeProperty, out var reply) ? reply : null, properties.TryGetValue(StaticProperty, out var isStatic) && isStatic == "true", method)
                : null;
    }

    private sealed class Handler(string socketType, string caseType, string? replyType, bool isStatic, string methodName)
    {
        public string CaseType => caseType;

        public string MethodName => methodName;

        // [OnMessage]
        // public static ValueTask<BoardSnapshot> OnGetBoard(BoardSocket socket, GetBoard message) => throw new NotImplementedException();
        // written fully qualified, and simplified to what the file's usings allow.
        public MemberDeclarationSyntax ToMember()
        {
            string returns = replyType is null ? "System.Threading.Tasks.ValueTask" : $"System.Threading.Tasks.ValueTask<{replyType}>";
            var member = SyntaxFactory.ParseMemberDeclaration(
                $"[Velithon.OnMessage]\npublic {(isStatic ? "static " : "")}{returns} {methodName}({socketType} socket, {caseType} message) => throw new System.NotImplementedException();\n")!;
            var simplified = member.ReplaceNodes(
                member.DescendantNodes().OfType<NameSyntax>().Where(static n => n.Parent is not NameSyntax),
                static (_, rewritten) => rewritten.WithAdditionalAnnotations(Simplifier.Annotation));
            return simplified.WithAdditionalAnnotations(Formatter.Annotation);
        }
    }
}
