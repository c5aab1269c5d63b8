using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Generators.Diagnostics;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Reads a <c>[WebSocketContract(inbound, outbound, jsonContext)]</c> class: the typed socket's declaration, its two
/// closed message sets (an abstract base with one <c>[JsonDerivedType(typeof(Case), "tag")]</c> per case), the
/// requests among the cases (<c>IWebSocketRequest&lt;TReply&gt;</c>) and the context's metadata for every case and
/// reply. The generator, the analyzer and the routes that speak the contract all read it here; only the
/// contract's own parse reports what is wrong with it, so a mistake is reported once, at the contract.
/// </summary>
internal static class ContractParser
{
    /// <summary>The envelope types the wire format keeps for itself (docs/contracts.md).</summary>
    private static readonly string[] ReservedTags = ["reply", "error", "cancel"];

    /// <summary>The <c>[WebSocketContract]</c> of <paramref name="type"/>; null when it has none.</summary>
    public static AttributeData? FindAttribute(ITypeSymbol type, KnownTypes knownTypes) =>
        knownTypes.WebSocketContractAttribute is null
            ? null
            : type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, knownTypes.WebSocketContractAttribute));

    /// <summary>Whether <paramref name="type"/> is a typed socket: a class with <c>[WebSocketContract]</c>.</summary>
    public static bool IsContractSocket(ITypeSymbol type, KnownTypes knownTypes) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Class } && FindAttribute(type, knownTypes) is not null;

    /// <summary>
    /// Reads the contract of <paramref name="socket"/>; null when it has an error, which is reported into
    /// <paramref name="diagnostics"/> when given.
    /// </summary>
    public static ContractShape? Read(INamedTypeSymbol socket, KnownTypes knownTypes, List<Diagnostic>? diagnostics, CancellationToken cancellationToken)
    {
        var attribute = FindAttribute(socket, knownTypes);
        if (attribute is null)
        {
            return null;
        }

        var context = new ParseContext(socket, attribute, diagnostics, cancellationToken);
        string socketName = socket.ToDisplayString();
        CheckDeclaration(socket, knownTypes, socketName, context, cancellationToken);

        var arguments = attribute.ConstructorArguments;
        var jsonContext = arguments.Length == 3 ? arguments[2].Value as INamedTypeSymbol : null;
        if (jsonContext is null || !EndpointClassParser.DerivesFrom(jsonContext, knownTypes.JsonSerializerContext))
        {
            string shown = jsonContext is null ? "no JSON context" : $"'{jsonContext.ToDisplayString()}'";
            context.Report(VelithonDiagnostics.InvalidContractDeclaration, ArgumentLocation(attribute, 2, context), socketName,
                $"names {shown} where its JsonSerializerContext goes; name a source-generated context with [JsonSerializable] for every case and reply");
            jsonContext = null;
        }
        else if (EndpointMetadataParser.WhyUnnameable(jsonContext, knownTypes.Compilation) is { } hidden)
        {
            context.Report(VelithonDiagnostics.InvalidContractDeclaration, ArgumentLocation(attribute, 2, context), socketName, "has a JSON context that " + hidden);
            jsonContext = null;
        }

        var inboundSet = arguments.Length == 3 ? arguments[0].Value as INamedTypeSymbol : null;
        var outboundSet = arguments.Length == 3 ? arguments[1].Value as INamedTypeSymbol : null;
        var inbound = ReadSet(inboundSet, "inbound", socketName, ArgumentLocation(attribute, 0, context), knownTypes, context);
        var outbound = ReadSet(outboundSet, "outbound", socketName, ArgumentLocation(attribute, 1, context), knownTypes, context);

        // Clients' messages are checked before their handlers run; the server's own are not.
        for (int i = 0; i < inbound.Count; i++)
        {
            inbound[i] = inbound[i] with { Validator = ValidationParser.Parse(inbound[i].Type, knownTypes, context) };
        }

        if (jsonContext is not null)
        {
            CheckMetadata(jsonContext, inbound.Concat(outbound), socketName, knownTypes, context);
        }

        if (context.HasErrors || jsonContext is null || inboundSet is null || outboundSet is null)
        {
            return null;
        }

        return new ContractShape(socket, jsonContext, inboundSet, inbound, outbound);
    }

    /// <summary>The typed socket of <paramref name="socket"/> as the emitter needs it; null when the contract has an error.</summary>
    public static ContractSpec? Parse(INamedTypeSymbol socket, KnownTypes knownTypes, List<Diagnostic>? diagnostics, CancellationToken cancellationToken) =>
        Parse(socket, knownTypes, diagnostics, cancellationToken, out _);

    /// <summary>The typed socket of <paramref name="socket"/>, and the contract it read; null when the contract has an error.</summary>
    public static ContractSpec? Parse(INamedTypeSymbol socket, KnownTypes knownTypes, List<Diagnostic>? diagnostics, CancellationToken cancellationToken, out ContractShape? shape)
    {
        shape = Read(socket, knownTypes, diagnostics, cancellationToken);
        if (shape is null)
        {
            return null;
        }

        var containing = new List<string>();
        for (var type = socket.ContainingType; type is not null; type = type.ContainingType)
        {
            containing.Insert(0, DeclarationKeyword(type) + " " + type.Name);
        }

        return new ContractSpec(
            DisplayName: socket.ToDisplayString(),
            Namespace: socket.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : "",
            ContainingTypes: new EquatableArray<string>(containing.ToArray()),
            ClassName: socket.Name,
            TypeName: socket.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            HintName: "Velithon.Contracts." + socket.ToDisplayString() + ".g.cs",
            JsonContextTypeName: shape.Context.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            Outbound: new EquatableArray<ContractCaseSpec>([.. shape.Outbound.Select(Describe).OrderBy(static c => c.Tag, StringComparer.Ordinal)]),
            Document: ContractDocumentParser.Describe(shape, cancellationToken));
    }

    /// <summary>A case as generated code names it.</summary>
    public static ContractCaseSpec Describe(ContractCase @case) => new(
        @case.Tag,
        @case.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
        ShortName(@case.Type),
        @case.Reply?.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
        @case.Reply is null ? null : ShortName(@case.Reply),
        IsPublic(@case.Type) && (@case.Reply is null || IsPublic(@case.Reply)));

    /// <summary>Whether <paramref name="type"/> can be named outside its assembly: it, its containers and its type arguments are public.</summary>
    private static bool IsPublic(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => IsPublic(array.ElementType),
        INamedTypeSymbol named => IsPublicDeclaration(named) && named.TypeArguments.All(IsPublic),
        ITypeParameterSymbol => false,
        _ => true,
    };

    private static bool IsPublicDeclaration(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }
        }

        return true;
    }

    private static string ShortName(ITypeSymbol type) =>
        HandlerParser.ToIdentifier(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat));

    private static string DeclarationKeyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "partial record struct",
        { IsRecord: true } => "partial record",
        { TypeKind: TypeKind.Struct } => "partial struct",
        { TypeKind: TypeKind.Interface } => "partial interface",
        _ => "partial class",
    };

    private static void CheckDeclaration(INamedTypeSymbol socket, KnownTypes knownTypes, string socketName, ParseContext context, CancellationToken cancellationToken)
    {
        var location = socket.Locations.FirstOrDefault();
        if (knownTypes.ContractSocket is null)
        {
            // [WebSocketContract] is in Velithon.Abstractions; the typed socket's base class is in the runtime.
            context.Report(VelithonDiagnostics.InvalidContractDeclaration, location, socketName,
                "is in a project that does not reference the Velithon runtime, which defines its base class Velithon.ContractSocket; reference the Velithon package, or declare the contract in the project that serves it");
        }

        if (!IsPartial(socket, cancellationToken))
        {
            context.Report(VelithonDiagnostics.InvalidContractDeclaration, location, socketName,
                $"must be partial, so the generator can add its members; declare it 'public sealed partial class {socket.Name}'");
        }

        for (var outer = socket.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!IsPartial(outer, cancellationToken))
            {
                context.Report(VelithonDiagnostics.InvalidContractDeclaration, location, socketName,
                    $"is nested in '{outer.ToDisplayString()}', which must be partial too, so the generator can add to the class; make it partial or move the class out of it");
            }
        }

        if (socket.IsRecord)
        {
            context.Report(VelithonDiagnostics.InvalidContractDeclaration, location, socketName,
                "is a record, which cannot derive from Velithon.ContractSocket; declare it as a class");
        }
        else if (socket.IsStatic || socket.IsAbstract)
        {
            context.Report(VelithonDiagnostics.InvalidContractDeclaration, location, socketName,
                $"is {(socket.IsStatic ? "static" : "abstract")}, but each connection gets an instance of it; make it a concrete, non-static class");
        }

        if (socket.IsGenericType || HandlerParser.IsInGenericType(socket))
        {
            context.Report(VelithonDiagnostics.InvalidContractDeclaration, location, socketName,
                "is generic or declared in a generic type; the routes that create it cannot choose type arguments");
        }

        if (socket.BaseType is { SpecialType: not SpecialType.System_Object } baseType
            && !SymbolEqualityComparer.Default.Equals(baseType, knownTypes.ContractSocket))
        {
            context.Report(VelithonDiagnostics.InvalidContractDeclaration, location, socketName,
                $"derives from '{baseType.ToDisplayString()}'; the generator makes it derive from Velithon.ContractSocket, so remove the base class");
        }

        if (!HandlerParser.IsAccessible(socket))
        {
            context.Report(VelithonDiagnostics.InvalidContractDeclaration, location, socketName,
                "must be public or internal, in types that are public or internal, so the generated routes can create it" + HandlerParser.InaccessibleReason(socket));
        }
    }

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.Length > 0
        && type.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
            && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    /// <summary>Reads the cases of one message set, reporting what is wrong with it and them.</summary>
    private static List<ContractCase> ReadSet(INamedTypeSymbol? set, string direction, string socketName, Location? location, KnownTypes knownTypes, ParseContext context)
    {
        var cases = new List<ContractCase>();
        if (set is null)
        {
            context.Report(VelithonDiagnostics.InvalidMessageSet, location, direction, "(none)", socketName,
                "is missing; name the abstract base of its cases with typeof(...)");
            return cases;
        }

        string setName = set.ToDisplayString();
        if (set.TypeKind != TypeKind.Class || !set.IsAbstract || set.IsStatic)
        {
            context.Report(VelithonDiagnostics.InvalidMessageSet, location, direction, setName, socketName,
                "must be an abstract class or record, the base of its cases; declare it 'public abstract record " + set.Name + ";'");
            return cases;
        }

        var derived = set.GetAttributes()
            .Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, knownTypes.JsonDerivedTypeAttribute))
            .ToList();
        if (derived.Count == 0)
        {
            context.Report(VelithonDiagnostics.InvalidMessageSet, location, direction, setName, socketName,
                $"declares no cases; add [JsonDerivedType(typeof(TheCase), \"tag\")] to '{set.Name}' for each message");
            return cases;
        }

        var byTag = new Dictionary<string, INamedTypeSymbol>(StringComparer.Ordinal);
        var seen = new Dictionary<INamedTypeSymbol, string>(SymbolEqualityComparer.Default);
        foreach (var attribute in derived)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var caseLocation = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? location;
            if (attribute.ConstructorArguments.FirstOrDefault().Value is not INamedTypeSymbol type)
            {
                // An argument the compiler could not bind is its own error.
                continue;
            }

            string caseName = type.ToDisplayString();
            string? tag = attribute.ConstructorArguments.Length == 2 ? attribute.ConstructorArguments[1].Value as string : null;
            string? problem = null;
            if (tag is null)
            {
                problem = $"has no string tag, so it has no name on the wire; write [JsonDerivedType(typeof({type.Name}), \"{Kebab(type.Name)}\")]";
            }
            else if (tag.Length == 0)
            {
                problem = "has an empty tag; give it a name, for example \"" + Kebab(type.Name) + "\"";
            }
            else if (type.IsUnboundGenericType)
            {
                problem = "is an open generic type; name a closed one, for example typeof(" + type.Name + "<int>)";
            }
            else if (type.TypeKind != TypeKind.Class || type.IsAbstract || type.IsStatic)
            {
                problem = "is not a concrete class or record; each case is a message a handler receives, so it needs instances";
            }
            else if (!EndpointClassParser.DerivesFrom(type, set))
            {
                problem = $"does not derive from '{set.Name}'; declare it ': {set.Name}'";
            }
            else if (EndpointMetadataParser.WhyUnnameable(type, knownTypes.Compilation) is { } hidden)
            {
                problem = hidden;
            }
            else if (seen.TryGetValue(type, out var firstTag))
            {
                problem = $"appears twice in the set, with the tags '{firstTag}' and '{tag}'; keep one";
            }

            if (problem is not null)
            {
                context.Report(VelithonDiagnostics.InvalidContractCase, caseLocation, caseName, setName, problem);
                continue;
            }

            if (ReservedTags.Contains(tag!, StringComparer.Ordinal))
            {
                context.Report(VelithonDiagnostics.ReservedContractTag, caseLocation, tag!, caseName);
                continue;
            }

            if (byTag.TryGetValue(tag!, out var first))
            {
                context.Report(VelithonDiagnostics.DuplicateContractTag, caseLocation, tag!, first.ToDisplayString(), caseName, setName);
                continue;
            }

            byTag.Add(tag!, type);
            seen.Add(type, tag!);
            if (ReadReply(type, caseLocation, setName, knownTypes, context, out var reply))
            {
                cases.Add(new ContractCase(tag!, type, reply, Validator: null, caseLocation));
            }
        }

        return cases;
    }

    /// <summary>The reply type of <paramref name="type"/> when it is a request; false when its requests disagree.</summary>
    private static bool ReadReply(INamedTypeSymbol type, Location? location, string setName, KnownTypes knownTypes, ParseContext context, out ITypeSymbol? reply)
    {
        reply = null;
        var replies = RequestReplies(type, knownTypes);
        if (replies.Count > 1)
        {
            context.Report(VelithonDiagnostics.ConflictingRequestReplies, location, type.ToDisplayString(),
                string.Join(" and ", replies.Select(static r => "'" + r.ToDisplayString() + "'")));
            return false;
        }

        if (replies.Count == 0)
        {
            return true;
        }

        if (EndpointMetadataParser.WhyUnnameable(replies[0], knownTypes.Compilation) is { } hidden)
        {
            context.Report(VelithonDiagnostics.InvalidContractCase, location, type.ToDisplayString(), setName, "is a request whose reply type " + hidden);
            return false;
        }

        reply = replies[0];
        return true;
    }

    /// <summary>The distinct <c>TReply</c>s of the <c>IWebSocketRequest&lt;TReply&gt;</c> that <paramref name="type"/> implements.</summary>
    public static List<ITypeSymbol> RequestReplies(ITypeSymbol type, KnownTypes knownTypes)
    {
        var replies = new List<ITypeSymbol>();
        if (knownTypes.WebSocketRequest is null)
        {
            return replies;
        }

        foreach (var candidate in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, knownTypes.WebSocketRequest)
                && !replies.Contains(candidate.TypeArguments[0], SymbolEqualityComparer.Default))
            {
                replies.Add(candidate.TypeArguments[0]);
            }
        }

        return replies;
    }

    /// <summary>VLT0018 for each case and reply type the context has no metadata for, once per type, at the case that needs it.</summary>
    private static void CheckMetadata(INamedTypeSymbol jsonContext, IEnumerable<ContractCase> cases, string socketName, KnownTypes knownTypes, ParseContext context)
    {
        var serializable = JsonContextTypes.Serializable(jsonContext, knownTypes);
        var reported = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var @case in cases)
        {
            foreach (var type in @case.Reply is null ? [@case.Type] : new[] { @case.Type, @case.Reply })
            {
                var plain = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
                if (!serializable.Contains(plain) && reported.Add(plain))
                {
                    context.ReportWithProperties(VelithonDiagnostics.MessageTypeWithoutJsonMetadata, @case.Location,
                        JsonContextTypes.MissingMetadataProperties(jsonContext, plain),
                        plain.ToDisplayString(), socketName, jsonContext.ToDisplayString());
                }
            }
        }
    }

    /// <summary>Where the attribute's argument <paramref name="index"/> is written; the attribute when it is not.</summary>
    private static Location? ArgumentLocation(AttributeData attribute, int index, ParseContext context)
    {
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) as AttributeSyntax;
        return syntax?.ArgumentList is { } list && list.Arguments.Count > index
            ? list.Arguments[index].Expression.GetLocation()
            : syntax?.GetLocation();
    }

    /// <summary><c>AddCard</c> as <c>add-card</c>, for the tag a fix suggests.</summary>
    private static string Kebab(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
