using System.Reflection;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Velithon.Generators.Parsing;

namespace Velithon.Generators.Tests.Contracts;

/// <summary>
/// The typed clients of a contract: the JSON names and shapes of the TypeScript declarations follow the context as
/// System.Text.Json does, the files are carried in the assembly's metadata for the build to write, and the C#
/// client compiles beside the typed socket.
/// </summary>
public sealed class ClientGenerationTests
{
    // Every case and reply of this contract reaches another kind of JSON: the context's snake_case and string enums,
    // [JsonPropertyName], [JsonIgnore], nullable values and references, required members, collections, a dictionary,
    // a nested record, a numeric enum written by value under [JsonConverter]'s absence, and Base64 bytes.
    private const string Shapes = ContractSources.Usings + """
        namespace Shop;

        public enum Size { Small, Large = 5 }

        public enum Colour { Red, Green }

        public sealed record Address(string StreetName, int? HouseNumber);

        [JsonDerivedType(typeof(PlaceOrder), "place-order")]
        [JsonDerivedType(typeof(GetOrder), "get-order")]
        public abstract record ShopRequest;

        public sealed record PlaceOrder(
            [property: JsonPropertyName("sku")] string ProductCode,
            Size Size,
            IReadOnlyList<Address> Addresses,
            Dictionary<string, decimal> Prices,
            byte[] Attachment,
            string? Comment,
            [property: Required] string? Buyer) : ShopRequest
        {
            [JsonIgnore]
            public string Secret { get; init; } = "";

            public required Guid OrderId { get; init; }
        }

        public sealed record GetOrder(Guid OrderId) : ShopRequest, IWebSocketRequest<OrderView>;

        [JsonDerivedType(typeof(OrderPlaced), "order-placed")]
        [JsonDerivedType(typeof(ConfirmOrder), "confirm-order")]
        public abstract record ShopEvent;

        public sealed record OrderPlaced(Guid OrderId, DateTimeOffset At, Colour Colour, [property: JsonConverter(typeof(JsonStringEnumConverter<Size>))] Size Size) : ShopEvent;

        public sealed record ConfirmOrder(Guid OrderId) : ShopEvent, IWebSocketRequest<Confirmation>;

        public sealed record Confirmation(bool Accepted, long? Reference);

        public sealed record OrderView(Address Address, List<string> Lines, Size[] Sizes);

        [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
        [JsonSerializable(typeof(PlaceOrder))]
        [JsonSerializable(typeof(GetOrder))]
        [JsonSerializable(typeof(OrderView))]
        [JsonSerializable(typeof(OrderPlaced))]
        [JsonSerializable(typeof(ConfirmOrder))]
        [JsonSerializable(typeof(Confirmation))]
        internal sealed class ShopJson() : JsonSerializerContext(null)
        {
            public static ShopJson Default { get; } = new();
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
        }

        [WebSocketContract(typeof(ShopRequest), typeof(ShopEvent), typeof(ShopJson))]
        public sealed partial class ShopSocket;

        public sealed class ShopEndpoint([FromQuery] int? page, [FromHeader(Name = "X-Tenant")] string tenant, [FromQuery] Size size = Size.Small) : WebSocketEndpoint
        {
            public string Where => $"{tenant} {page} {size}";

            [OnMessage]
            public ValueTask OnPlace(ShopSocket socket, PlaceOrder order) => default;

            [OnMessage]
            public ValueTask<OrderView> OnGet(ShopSocket socket, GetOrder get) => new(new OrderView(new Address("x", null), [], []));
        }

        """;

    [Theory]
    [InlineData("Name")]
    [InlineData("URLValue")]
    [InlineData("ID")]
    [InlineData("IOStream")]
    [InlineData("XMLHttpRequest")]
    [InlineData("SHA512Hash")]
    [InlineData("already_snake")]
    [InlineData("camelCase")]
    [InlineData("Name2Value")]
    [InlineData("A")]
    [InlineData("ABC")]
    [InlineData("Ünicode")]
    [InlineData("With Space")]
    public void JsonNaming_ConvertsAsSystemTextJsonsPolicies(string name)
    {
        Assert.Equal(JsonNamingPolicy.CamelCase.ConvertName(name), JsonNaming.ToCamelCase(name));
        Assert.Equal(JsonNamingPolicy.SnakeCaseLower.ConvertName(name), JsonNaming.ToSeparated(name, '_', lowercase: true));
        Assert.Equal(JsonNamingPolicy.SnakeCaseUpper.ConvertName(name), JsonNaming.ToSeparated(name, '_', lowercase: false));
        Assert.Equal(JsonNamingPolicy.KebabCaseLower.ConvertName(name), JsonNaming.ToSeparated(name, '-', lowercase: true));
        Assert.Equal(JsonNamingPolicy.KebabCaseUpper.ConvertName(name), JsonNaming.ToSeparated(name, '-', lowercase: false));
    }

    [Fact]
    public void Declarations_NameAndShapeTheJsonAsTheContextWritesIt()
    {
        var files = GeneratedFiles(Route("[WebSocket(\"/shop/<int:store>/orders\")]", Shapes).Replace("ShopEndpoint(", "ShopEndpoint(int store, ", StringComparison.Ordinal).Replace("{tenant} {page}", "{store} {tenant} {page}", StringComparison.Ordinal));

        Baseline.VerifyAll([("ShopSocket.d.ts", files["velithon/ShopSocket.d.ts"]), ("ShopSocket.js", Tail(files["velithon/ShopSocket.js"]))]);
    }

    [Fact]
    public void GeneratedFiles_AreInTheAssemblysMetadata_AsTheBuildReadsThem()
    {
        var files = GeneratedFiles(Route("[WebSocket(\"/shop\")]", Shapes));

        // The AsyncAPI document travels the same way.
        Assert.Equal(["asyncapi.json", "velithon/ShopSocket.d.ts", "velithon/ShopSocket.js"], files.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("{\n  \"asyncapi\": \"3.0.0\"", files["asyncapi.json"], StringComparison.Ordinal);
        Assert.EndsWith("}\n", files["asyncapi.json"], StringComparison.Ordinal);
        Assert.StartsWith("// <auto-generated/>\n", files["velithon/ShopSocket.js"], StringComparison.Ordinal);
        Assert.EndsWith("}\n", files["velithon/ShopSocket.js"], StringComparison.Ordinal);
        Assert.Contains("export declare function connectShop(baseUrl: string | URL, values: ShopValues, options?: ConnectOptions): ShopSocketConnection;", files["velithon/ShopSocket.d.ts"], StringComparison.Ordinal);
    }

    [Fact]
    public void TwoSocketsWithOneName_GetTheirOwnFiles()
    {
        string Socket(string ns, string route) => $$"""
            namespace {{ns}}
            {
                [JsonDerivedType(typeof(Ping), "ping")]
                public abstract record In;
                public sealed record Ping : In;
                [JsonDerivedType(typeof(Pong), "pong")]
                public abstract record Out;
                public sealed record Pong : Out;
                [JsonSerializable(typeof(Ping))]
                [JsonSerializable(typeof(Pong))]
                internal sealed class Json() : JsonSerializerContext(null)
                {
                    public static Json Default { get; } = new();
                    protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                    public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
                }
                [WebSocketContract(typeof(In), typeof(Out), typeof(Json))]
                public sealed partial class PingSocket;
                public static class Route
                {
                    [WebSocket("{{route}}")]
                    public static Task Connect(PingSocket socket) => socket.DispatchMessagesAsync();
                    [OnMessage]
                    public static ValueTask OnPing(PingSocket socket, Ping ping) => default;
                }
            }

            """;

        var files = GeneratedFiles(ContractSources.Usings + Socket("A", "/a") + Socket("B", "/b"));

        Assert.Equal(["asyncapi.json", "velithon/PingSocket.d.ts", "velithon/PingSocket.js", "velithon/PingSocket2.d.ts", "velithon/PingSocket2.js"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("export function connectA(", files["velithon/PingSocket.js"], StringComparison.Ordinal);
        Assert.Contains("export function connectB(", files["velithon/PingSocket2.js"], StringComparison.Ordinal);
    }

    [Fact]
    public void CSharpClient_TakesTheRoutesValuesTyped_RequiredFirst()
    {
        var compilation = GeneratorHarness.CreateCompilation(Route("[WebSocket(\"/shop/<int:store>/orders\")]", Shapes).Replace("ShopEndpoint(", "ShopEndpoint(int store, ", StringComparison.Ordinal).Replace("{tenant} {page}", "{store} {tenant} {page}", StringComparison.Ordinal));
        var (_, output, result) = GeneratorHarness.Run(compilation);
        GeneratorHarness.AssertClean(output);
        string client = result.GeneratedSources.Single(s => s.HintName == "Velithon.Clients.Shop_ShopSocket.g.cs").SourceText.ToString();

        Assert.Contains(
            "public global::System.Threading.Tasks.Task ConnectShopOrdersAsync(global::System.Uri baseUri, int store, string tenant, int? page = null, global::Shop.Size? size = null, global::System.Threading.CancellationToken cancellationToken = default) =>",
            client,
            StringComparison.Ordinal);
        Assert.Contains("public global::System.Func<global::Shop.ConfirmOrder, global::System.Threading.CancellationToken, global::System.Threading.Tasks.ValueTask<global::Shop.Confirmation>>? OnConfirmOrder { get; set; }", client, StringComparison.Ordinal);
        Assert.Contains("public global::System.Threading.Tasks.Task<global::Shop.OrderView> RequestAsync(global::Shop.GetOrder request", client, StringComparison.Ordinal);
        Assert.DoesNotContain("SendAsync(global::Shop.OrderPlaced", client, StringComparison.Ordinal);
    }

    [Fact]
    public void ContractWithoutTheClientRuntime_GetsTheTypeScriptClientAlone()
    {
        var compilation = GeneratorHarness.CreateCompilation(Route("[WebSocket(\"/shop\")]", Shapes));
        compilation = compilation.RemoveReferences(compilation.References.Where(r => r.Display?.EndsWith("Velithon.Client.dll", StringComparison.Ordinal) == true));
        var (_, output, result) = GeneratorHarness.Run(compilation);

        GeneratorHarness.AssertClean(output);
        string file = result.GeneratedSources.Single(s => s.HintName == "Velithon.Clients.Shop_ShopSocket.g.cs").SourceText.ToString();
        Assert.Contains("public const string Module", file, StringComparison.Ordinal);
        Assert.DoesNotContain("ShopSocketClient", file, StringComparison.Ordinal);
    }

    private static string Route(string attribute, string source) =>
        source.Replace("public sealed class ShopEndpoint", attribute + "\npublic sealed class ShopEndpoint", StringComparison.Ordinal);

    /// <summary>The module's contract part: what follows the connection code every module shares.</summary>
    private static string Tail(string module) => module[module.LastIndexOf("\n/** Connects to ", StringComparison.Ordinal)..];

    /// <summary>Compiles <paramref name="source"/> with the generator and reads the files from the image's metadata, as the build task does.</summary>
    private static Dictionary<string, string> GeneratedFiles(string source)
    {
        var compilation = GeneratorHarness.CreateCompilation(source);
        var (_, output, _) = GeneratorHarness.Run(compilation);
        GeneratorHarness.AssertClean(output);
        string path = Path.Combine(Path.GetTempPath(), "velithon-files-" + Guid.NewGuid().ToString("N") + ".dll");
        try
        {
            File.WriteAllBytes(path, CompiledAssemblies.Emit(output));
            return Velithon.Build.GeneratedFileReader.Read(path).ToDictionary(static f => f.Path, static f => f.Content, StringComparer.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
