using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Velithon.Generators.Tests.Contracts;

/// <summary>The validators the generator writes for inbound cases: their code, and that it is trim- and AOT-safe.</summary>
public sealed class ContractValidationTests
{
    // Every form a case can declare its checks in.
    private const string Source = ContractSources.Usings + """
        namespace Demo;

        [AttributeUsage(AttributeTargets.Property)]
        public sealed class EvenAttribute : ValidationAttribute
        {
            protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
                value is int number && number % 2 == 0 ? ValidationResult.Success : new ValidationResult($"{validationContext.DisplayName} must be even.");
        }

        [AttributeUsage(AttributeTargets.Class)]
        public sealed class NotBothEmptyAttribute(string first, string second) : ValidationAttribute
        {
            public string First { get; } = first;

            public string Second { get; } = second;

            public override bool IsValid(object? value) => value is not Signup signup || signup.Name.Length + signup.Email.Length > 0;
        }

        [JsonDerivedType(typeof(Signup), "signup")]
        [JsonDerivedType(typeof(Plain), "plain")]
        public abstract record Inbound;

        // Positional parameters with [property: ...] and without it (C# then puts the attribute on the parameter alone),
        // [Required] after another attribute, a renamed property, a display name, a check that needs its context,
        // a type-level attribute and IValidatableObject.
        [NotBothEmpty("Name", "Email")]
        public sealed record Signup(
            [property: StringLength(20, MinimumLength = 2), Required(AllowEmptyStrings = false)] string Name,
            [EmailAddress] string Email,
            [property: JsonPropertyName("seat_count"), Range(1, 8), Even, Display(Name = "Seat count")] int Seats) : Inbound, IValidatableObject
        {
            [MaxLength(3)]
            public string[] Tags { get; init; } = [];

            public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
            {
                if (Email.EndsWith("@example.com", StringComparison.Ordinal))
                {
                    yield return new ValidationResult("Use a real address.", [nameof(Email)]);
                }
            }
        }

        public sealed record Plain(int Value) : Inbound;

        [JsonDerivedType(typeof(Ack), "ack")]
        public abstract record Outbound;
        public sealed record Ack : Outbound;

        [JsonSerializable(typeof(Signup))]
        [JsonSerializable(typeof(Plain))]
        [JsonSerializable(typeof(Ack))]
        public sealed class SignupJson() : JsonSerializerContext(null)
        {
            public static SignupJson Default { get; } = new();
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
        }

        [WebSocketContract(typeof(Inbound), typeof(Outbound), typeof(SignupJson))]
        public sealed partial class SignupSocket;

        public static class Signups
        {
            [WebSocket("/signup")]
            public static Task Connect(SignupSocket socket) => socket.DispatchMessagesAsync();

            [OnMessage]
            public static ValueTask OnSignup(SignupSocket socket, Signup signup) => socket.SendAsync(new Ack());

            [OnMessage]
            public static ValueTask OnPlain(SignupSocket socket, Plain plain) => default;
        }
        """;

    [Fact]
    public void Validators()
    {
        var (_, output, result) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Source));
        GeneratorHarness.AssertClean(output);
        var route = result.GeneratedSources.Single(s => s.HintName == "Velithon.Handlers.Demo_Signups_Connect.g.cs");
        Baseline.VerifyAll([(route.HintName, route.SourceText.ToString())]);
    }

    [Fact]
    public void AttributeWithANullInAnArrayArgument_IsRecreatedWithoutWarnings()
    {
        // AllowedValues takes params object?[]; under #nullable enable, 'new object[] { null }' would warn (CS8625).
        var (_, output, result) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(ContractSources.Usings + """
            namespace Demo;

            [JsonDerivedType(typeof(Pick), "pick")]
            public abstract record Inbound;
            public sealed record Pick([AllowedValues("red", null, 3)] object? Colour, [DeniedValues("", null)] string? Name) : Inbound;

            [JsonDerivedType(typeof(Ack), "ack")]
            public abstract record Outbound;
            public sealed record Ack : Outbound;

            [JsonSerializable(typeof(Pick))]
            [JsonSerializable(typeof(Ack))]
            public sealed class PickJson() : JsonSerializerContext(null)
            {
                public static PickJson Default { get; } = new();
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
            }

            [WebSocketContract(typeof(Inbound), typeof(Outbound), typeof(PickJson))]
            public sealed partial class PickSocket;

            public static class Picks
            {
                [WebSocket("/pick")]
                public static Task Connect(PickSocket socket) => socket.DispatchMessagesAsync();

                [OnMessage]
                public static ValueTask OnPick(PickSocket socket, Pick pick) => default;
            }
            """));

        GeneratorHarness.AssertClean(output);
        string route = result.GeneratedSources.Single(s => s.HintName == "Velithon.Handlers.Demo_Picks_Connect.g.cs").SourceText.ToString();
        Assert.Contains("AllowedValuesAttribute(new object[] { \"red\", null!, 3 })", route, StringComparison.Ordinal);
        Assert.Contains("DeniedValuesAttribute(new object[] { \"\", null! })", route, StringComparison.Ordinal);
    }

    [Fact]
    public void PositionalRecordInAReferencedAssembly_ItsParametersAttributesAreChecked()
    {
        // The messages and their context in a library, the contract and its route in the application. Compiled, the
        // record has no syntax to tie a parameter to its property: its primary constructor is found as the public one
        // whose parameters are its Deconstruct's, as model binding finds a record's.
        var library = CSharpCompilation.Create(
            "Messages",
            [CSharpSyntaxTree.ParseText(ContractSources.Usings + """
                namespace Messages;

                [JsonDerivedType(typeof(Hello), "hello")]
                public abstract record Inbound;
                public sealed record Hello([Required] string Name, [property: StringLength(3)] string Nick, [Range(1, 9)] int Level) : Inbound
                {
                    public Hello(string name) : this(name, "", 1)
                    {
                    }
                }

                [JsonDerivedType(typeof(Welcome), "welcome")]
                public abstract record Outbound;
                public sealed record Welcome : Outbound;

                [JsonSerializable(typeof(Hello))]
                [JsonSerializable(typeof(Welcome))]
                public sealed class MessagesJson() : JsonSerializerContext(null)
                {
                    public static MessagesJson Default { get; } = new();
                    protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                    public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
                }
                """, GeneratorHarness.ParseOptions)],
            GeneratorHarness.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var image = CompiledAssemblies.Emit(library);
        var application = CSharpCompilation.Create(
            "TestApp",
            [CSharpSyntaxTree.ParseText(ContractSources.Usings + """
                using Messages;

                namespace Demo;

                [WebSocketContract(typeof(Inbound), typeof(Outbound), typeof(MessagesJson))]
                public sealed partial class HelloSocket;

                public static class Greeter
                {
                    [WebSocket("/hello")]
                    public static Task Connect(HelloSocket socket) => socket.DispatchMessagesAsync();

                    [OnMessage]
                    public static ValueTask OnHello(HelloSocket socket, Hello hello) => socket.SendAsync(new Welcome());
                }
                """, GeneratorHarness.ParseOptions)],
            GeneratorHarness.References.Add(MetadataReference.CreateFromImage(image)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var (_, output, result) = GeneratorHarness.Run(application);

        GeneratorHarness.AssertClean(output);
        string route = result.GeneratedSources.Single(s => s.HintName == "Velithon.Handlers.Demo_Greeter_Connect.g.cs").SourceText.ToString();
        Assert.Contains("RequiredAttribute Name_0 = new global::System.ComponentModel.DataAnnotations.RequiredAttribute();", route, StringComparison.Ordinal);
        Assert.Contains("StringLengthAttribute Nick_0 = new global::System.ComponentModel.DataAnnotations.StringLengthAttribute(3);", route, StringComparison.Ordinal);
        Assert.Contains("RangeAttribute Level_0 = new global::System.ComponentModel.DataAnnotations.RangeAttribute(1, 9);", route, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeneratedCode_HasNoTrimOrAotWarnings()
    {
        var (_, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Source));
        var diagnostics = await output
            .WithAnalyzers(TrimAnalysisTests.LoadIlLinkAnalyzers(), new AnalyzerOptions([], new TrimAnalysisTests.BuildProperties(new Dictionary<string, string>
            {
                ["build_property.EnableTrimAnalyzer"] = "true",
                ["build_property.EnableAotAnalyzer"] = "true",
                ["build_property.EnableSingleFileAnalyzer"] = "true",
            })))
            .GetAnalyzerDiagnosticsAsync();

        // The generated files are analyzed too. The one finding there is MaxLength's constructor, which is not
        // trim-safe: the user's [MaxLength(3)] is reported for it already, and its recreation is the same call.
        var findings = diagnostics.Where(d => d.Id.StartsWith("IL", StringComparison.Ordinal)).ToList();
        var generated = findings.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true).ToList();
        var own = findings.Except(generated).ToList();
        Assert.Equal(("IL2026", "MaxLengthAttribute.MaxLengthAttribute(Int32)"), (Assert.Single(generated).Id, MemberOf(generated[0])));
        Assert.Equal(("IL2026", "MaxLengthAttribute.MaxLengthAttribute(Int32)"), (Assert.Single(own).Id, MemberOf(own[0])));
        Assert.Equal("Source0.cs", own[0].Location.SourceTree?.FilePath);
    }

    private static string MemberOf(Diagnostic diagnostic)
    {
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        int start = message.IndexOf("System.ComponentModel.DataAnnotations.", StringComparison.Ordinal) + "System.ComponentModel.DataAnnotations.".Length;
        return message[start..message.IndexOf('\'', start)];
    }

    [Fact]
    public async Task TheOneArgumentValidationContext_WouldWarn_SoTheCheckAboveCanFail()
    {
        // The constructor the validators avoid: with it, the same analyzers report IL2026.
        var compilation = GeneratorHarness.CreateCompilation("""
            public static class Check
            {
                public static object Make(object instance) => new System.ComponentModel.DataAnnotations.ValidationContext(instance);
            }
            """);
        var diagnostics = await compilation
            .WithAnalyzers(TrimAnalysisTests.LoadIlLinkAnalyzers(), new AnalyzerOptions([], new TrimAnalysisTests.BuildProperties(new Dictionary<string, string>
            {
                ["build_property.EnableTrimAnalyzer"] = "true",
            })))
            .GetAnalyzerDiagnosticsAsync();
        Assert.Contains(diagnostics, d => d.Id == "IL2026");
    }
}
