using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Velithon.Generators.Tests.Contracts;

/// <summary>The rules for a <c>[WebSocketContract]</c> declaration and its message sets: trigger and no-trigger cases.</summary>
public sealed class ContractDeclarationDiagnosticTests
{
    internal const string Prelude = """
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations;

        """;

    // A context listing every type these tests name; the System.Text.Json generator does not run here.
    internal const string AnyContext = """
        [JsonSerializable(typeof(Ping))]
        [JsonSerializable(typeof(Pong))]
        [JsonSerializable(typeof(Ask))]
        [JsonSerializable(typeof(Answer))]
        [JsonSerializable(typeof(Tick))]
        [JsonSerializable(typeof(Out))]
        public sealed class AnyJson() : JsonSerializerContext(null)
        {
            public static AnyJson Default { get; } = new();
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
        }

        public sealed record Answer(string Text);

        [JsonDerivedType(typeof(Out), "out")]
        public abstract record Outbound;
        public sealed record Out : Outbound;

        """;

    [Fact]
    public async Task ValidContract_ReportsNothing()
    {
        await DiagnosticMarkup.VerifyAsync(Prelude + ContractSources.Messages + ContractSources.Socket + ContractSources.Endpoint + ContractSources.StaticRoute);
    }

    [Fact]
    public async Task NestedInPartialTypes_ReportsNothing()
    {
        await DiagnosticMarkup.VerifyAsync(Prelude + ContractSources.Messages + """
            public static partial class Outer
            {
                internal partial record Inner
                {
                    [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
                    internal sealed partial class NestedSocket : ContractSocket;
                }
            }
            """);
    }

    [Fact]
    public async Task DeclarationProblems_ReportVLT0039()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Prelude + ContractSources.Messages + """
            [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
            public sealed class {|VLT0039:NotPartial|};

            public static class Plain
            {
                [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
                public sealed partial class {|VLT0039:InPlainClass|};
            }

            [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
            public abstract partial class {|VLT0039:AbstractSocket|};

            [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
            public sealed partial class {|VLT0039:GenericSocket|}<T>;

            public class SomeBase;

            [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
            public sealed partial class {|VLT0039:DerivedSocket|} : SomeBase;

            public static partial class Host
            {
                [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
                private sealed partial class {|VLT0039:HiddenSocket|};
            }

            [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), {|VLT0039:typeof(string)|})]
            public sealed partial class NoContextSocket;
            """);
        Assert.Equal(
            [
                "The contract socket 'NotPartial' must be partial, so the generator can add its members; declare it 'public sealed partial class NotPartial'",
                "The contract socket 'Plain.InPlainClass' is nested in 'Plain', which must be partial too, so the generator can add to the class; make it partial or move the class out of it",
                "The contract socket 'AbstractSocket' is abstract, but each connection gets an instance of it; make it a concrete, non-static class",
                "The contract socket 'GenericSocket<T>' is generic or declared in a generic type; the routes that create it cannot choose type arguments",
                "The contract socket 'DerivedSocket' derives from 'SomeBase'; the generator makes it derive from Velithon.ContractSocket, so remove the base class",
                "The contract socket 'Host.HiddenSocket' must be public or internal, in types that are public or internal, so the generated routes can create it",
                "The contract socket 'NoContextSocket' names 'string' where its JsonSerializerContext goes; name a source-generated context with [JsonSerializable] for every case and reply",
            ],
            diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task RecordSocket_ReportsVLT0039()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Prelude + ContractSources.Messages + """
            [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
            public sealed partial record {|VLT0039:RecordSocket|};
            """);
        Assert.Contains("is a record, which cannot derive from Velithon.ContractSocket", Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetProblems_ReportVLT0040()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Prelude + AnyContext + """
            [JsonDerivedType(typeof(Ping), "ping")]
            public abstract record Inbound;
            public sealed record Ping : Inbound;

            public record Concrete;
            public abstract record Empty;

            public sealed record Pong;
            public sealed record Ask;
            public sealed record Tick;

            [WebSocketContract({|VLT0040:typeof(Concrete)|}, {|VLT0040:typeof(Empty)|}, typeof(AnyJson))]
            public sealed partial class BadSets;
            """);
        Assert.Equal(
            [
                "The inbound message set 'Concrete' of 'BadSets' must be an abstract class or record, the base of its cases; declare it 'public abstract record Concrete;'",
                "The outbound message set 'Empty' of 'BadSets' declares no cases; add [JsonDerivedType(typeof(TheCase), \"tag\")] to 'Empty' for each message",
            ],
            diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task CaseProblems_ReportVLT0041()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Prelude + AnyContext + """
            [{|VLT0041:JsonDerivedType(typeof(Ping))|}]
            [{|VLT0041:JsonDerivedType(typeof(Pong), 2)|}]
            [{|VLT0041:JsonDerivedType(typeof(Tick), "tick")|}]
            [{|VLT0041:JsonDerivedType(typeof(Abstract), "abstract")|}]
            [JsonDerivedType(typeof(Ask), "ask")]
            [{|VLT0041:JsonDerivedType(typeof(Ask), "ask-again")|}]
            public abstract record Inbound;
            public sealed record Ping : Inbound;
            public sealed record Pong : Inbound;
            public sealed record Tick;
            public abstract record Abstract : Inbound;
            public sealed record Ask(string Question) : Inbound, IWebSocketRequest<Answer>;

            [WebSocketContract(typeof(Inbound), typeof(Outbound), typeof(AnyJson))]
            public sealed partial class BadCases;
            """);
        Assert.Equal(
            [
                "The case 'Ping' of the message set 'Inbound' has no string tag, so it has no name on the wire; write [JsonDerivedType(typeof(Ping), \"ping\")]",
                "The case 'Pong' of the message set 'Inbound' has no string tag, so it has no name on the wire; write [JsonDerivedType(typeof(Pong), \"pong\")]",
                "The case 'Tick' of the message set 'Inbound' does not derive from 'Inbound'; declare it ': Inbound'",
                "The case 'Abstract' of the message set 'Inbound' is not a concrete class or record; each case is a message a handler receives, so it needs instances",
                "The case 'Ask' of the message set 'Inbound' appears twice in the set, with the tags 'ask' and 'ask-again'; keep one",
            ],
            diagnostics.Where(d => d.Id == "VLT0041").Select(d => d.GetMessage(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task DuplicateAndReservedTags_ReportVLT0042AndVLT0043()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Prelude + AnyContext + """
            [JsonDerivedType(typeof(Ping), "ping")]
            [{|VLT0042:JsonDerivedType(typeof(Pong), "ping")|}]
            [{|VLT0043:JsonDerivedType(typeof(Tick), "reply")|}]
            [{|VLT0043:JsonDerivedType(typeof(Ask), "error")|}]
            public abstract record Inbound;
            public sealed record Ping : Inbound;
            public sealed record Pong : Inbound;
            public sealed record Tick : Inbound;
            public sealed record Ask : Inbound;

            [WebSocketContract(typeof(Inbound), typeof(Outbound), typeof(AnyJson))]
            public sealed partial class Tags;
            """);
        Assert.Equal(
            [
                "The tag 'ping' names both 'Ping' and 'Pong' in the message set 'Inbound', so a received message could not pick its case; give each case its own tag",
                "The tag 'reply' of 'Tick' is reserved: the contract wire format uses 'reply', 'error' and 'cancel' for replies, failures and cancellations; choose another tag",
                "The tag 'error' of 'Ask' is reserved: the contract wire format uses 'reply', 'error' and 'cancel' for replies, failures and cancellations; choose another tag",
            ],
            diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task CaseOrReplyWithoutMetadata_ReportsVLT0018WithTheTypesForItsFix()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Prelude + """
            [JsonSerializable(typeof(Ping))]
            [JsonSerializable(typeof(Ask))]
            public sealed class SmallJson() : JsonSerializerContext(null)
            {
                public static SmallJson Default { get; } = new();
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
            }

            [JsonDerivedType(typeof(Ping), "ping")]
            [{|VLT0018:JsonDerivedType(typeof(Ask), "ask")|}]
            public abstract record Inbound;
            public sealed record Ping : Inbound;
            public sealed record Ask : Inbound, IWebSocketRequest<Answer>;
            public sealed record Answer(string Text);

            [{|VLT0018:JsonDerivedType(typeof(Ping2), "ping")|}]
            public abstract record Outbound;
            public sealed record Ping2 : Outbound;

            [WebSocketContract(typeof(Inbound), typeof(Outbound), typeof(SmallJson))]
            public sealed partial class Small;
            """);
        Assert.Equal(
            [
                "The message type 'Answer' of 'Small' has no metadata in 'SmallJson'; add [JsonSerializable(typeof(Answer))] to it",
                "The message type 'Ping2' of 'Small' has no metadata in 'SmallJson'; add [JsonSerializable(typeof(Ping2))] to it",
            ],
            diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)));
        Assert.All(diagnostics, d => Assert.Equal("SmallJson", d.Properties["JsonContextMetadataName"]));
        Assert.Equal(["global::Answer", "global::Ping2"], diagnostics.Select(d => d.Properties["MessageType"]));
    }

    [Fact]
    public async Task RequestWithTwoReplyTypes_ReportsVLT0048()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Prelude + AnyContext + """
            [JsonDerivedType(typeof(Ping), "ping")]
            [{|VLT0048:JsonDerivedType(typeof(Ask), "ask")|}]
            public abstract record Inbound;
            public sealed record Ping : Inbound;
            public interface IAskBase : IWebSocketRequest<Answer>;
            public sealed record Ask : Inbound, IAskBase, IWebSocketRequest<string>;
            public sealed record Pong;
            public sealed record Tick;

            [WebSocketContract(typeof(Inbound), typeof(Outbound), typeof(AnyJson))]
            public sealed partial class TwoReplies;
            """);
        string message = Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture);
        Assert.StartsWith("'Ask' implements IWebSocketRequest<TReply> for ", message, StringComparison.Ordinal);
        Assert.Contains("'string'", message, StringComparison.Ordinal);
        Assert.Contains("'Answer'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidationAttributeThatCannotBeRecreated_ReportsVLT0049()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Prelude + """
            [JsonSerializable(typeof(Rules.Ping))]
            [JsonSerializable(typeof(Out))]
            public sealed class RulesJson() : JsonSerializerContext(null)
            {
                public static RulesJson Default { get; } = new();
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
            }

            [JsonDerivedType(typeof(Out), "out")]
            public abstract record Outbound;
            public sealed record Out : Outbound;

            [JsonDerivedType(typeof(Rules.Ping), "ping")]
            public abstract record Inbound;

            public static class Rules
            {
                public sealed record Ping([property: {|VLT0049:Secret|}, Required] string Name) : Inbound;

                private sealed class SecretAttribute : ValidationAttribute;
            }

            [WebSocketContract(typeof(Inbound), typeof(Outbound), typeof(RulesJson))]
            public sealed partial class Checked;
            """);
        Assert.Equal(
            "The validation attribute 'Rules.SecretAttribute' on 'Rules.Ping.Name' cannot be recreated by the generated validator, so the route is not mapped rather than let its messages through unchecked: 'Rules.SecretAttribute' is private; make it internal or public, so the generated code can name it",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ContractInAProjectWithoutTheRuntime_ReportsVLT0039()
    {
        // A messages library referencing Velithon.Abstractions alone.
        var references = GeneratorHarness.References.Where(r => !string.Equals(Path.GetFileName(r.Display), "Velithon.Runtime.dll", StringComparison.Ordinal)).ToList();
        Assert.Equal(GeneratorHarness.References.Length - 1, references.Count);
        var compilation = GeneratorHarness.CreateCompilation(SnapshotTests.Usings + Prelude + ContractSources.Messages + ContractSources.Socket)
            .WithReferences(references);

        var (diagnostics, output, result) = GeneratorHarness.RunWithDiagnostics(compilation);

        var error = Assert.Single(diagnostics);
        Assert.Equal("VLT0039", error.Id);
        Assert.Contains("does not reference the Velithon runtime", error.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.StartsWith("Velithon.Contracts.", StringComparison.Ordinal));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task WithAnalyzersOff_TheGeneratorStillFailsTheBuild()
    {
        var source = SnapshotTests.Usings + Prelude + ContractSources.Messages + """
            [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
            public sealed class NotPartial;
            """;
        var (diagnostics, _, result) = GeneratorHarness.RunWithDiagnostics(GeneratorHarness.CreateCompilation(source));
        var error = Assert.Single(diagnostics);
        Assert.Equal(("VLT0039", DiagnosticSeverity.Error), (error.Id, error.Severity));
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.StartsWith("Velithon.Contracts.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MessagesNotPublicInAReferencedAssembly_ReportVLT0041AndVLT0049_InsteadOfGeneratedCodeThatDoesNotCompile()
    {
        // 'internal' is nameable in the assembly that declares it, not in the one that declares the contract.
        var library = CSharpCompilation.Create(
            "Messages",
            [CSharpSyntaxTree.ParseText(SnapshotTests.Usings + Prelude + """
                namespace Messages;

                [JsonDerivedType(typeof(Hello), "hello")]
                [JsonDerivedType(typeof(Ask), "ask")]
                public abstract record Inbound;
                public sealed record Hello([property: Shouting] string Text) : Inbound;
                public sealed record Ask : Inbound, IWebSocketRequest<Answer>;
                internal sealed record Answer(string Text);

                [JsonDerivedType(typeof(Welcome), "welcome")]
                [JsonDerivedType(typeof(Secret), "secret")]
                public abstract record Outbound;
                public sealed record Welcome : Outbound;
                internal sealed record Secret : Outbound;

                internal sealed class ShoutingAttribute : ValidationAttribute
                {
                    public override bool IsValid(object? value) => value is string text && text == text.ToUpperInvariant();
                }

                [JsonSerializable(typeof(Hello))]
                [JsonSerializable(typeof(Ask))]
                [JsonSerializable(typeof(Answer))]
                [JsonSerializable(typeof(Welcome))]
                [JsonSerializable(typeof(Secret))]
                public sealed class MessagesJson() : JsonSerializerContext(null)
                {
                    public static MessagesJson Default { get; } = new();
                    protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                    public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
                }
                """, GeneratorHarness.ParseOptions)],
            GeneratorHarness.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var application = CSharpCompilation.Create(
            "TestApp",
            [CSharpSyntaxTree.ParseText(SnapshotTests.Usings + """
                using Messages;

                namespace App;

                [WebSocketContract(typeof(Inbound), typeof(Outbound), typeof(MessagesJson))]
                public sealed partial class HelloSocket;
                """, GeneratorHarness.ParseOptions, path: "Source0.cs")],
            GeneratorHarness.References.Add(MetadataReference.CreateFromImage(CompiledAssemblies.Emit(library))),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var (generated, output, result) = GeneratorHarness.RunWithDiagnostics(application);
        var analyzed = await GeneratorHarness.AnalyzeAsync(application);

        foreach (var diagnostics in new[] { generated, analyzed })
        {
            Assert.Equal(
                [
                    ("VLT0041", "typeof(Inbound)", "The case 'Messages.Ask' of the message set 'Messages.Inbound' is a request whose reply type 'Messages.Answer' is internal to the referenced assembly 'Messages'; make it public, so the generated code can name it"),
                    ("VLT0041", "typeof(Outbound)", "The case 'Messages.Secret' of the message set 'Messages.Outbound' 'Messages.Secret' is internal to the referenced assembly 'Messages'; make it public, so the generated code can name it"),
                    ("VLT0049", "HelloSocket", "The validation attribute 'Messages.ShoutingAttribute' on 'Messages.Hello.Text' cannot be recreated by the generated validator, so the route is not mapped rather than let its messages through unchecked: 'Messages.ShoutingAttribute' is internal to the referenced assembly 'Messages'; make it public, so the generated code can name it"),
                ],
                diagnostics.OrderBy(d => d.Location.SourceSpan.Start)
                    .Select(d => (d.Id, d.Location.SourceTree!.ToString().Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length), d.GetMessage(CultureInfo.InvariantCulture))));
        }

        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.StartsWith("Velithon.Contracts.", StringComparison.Ordinal));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }
}
