using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Velithon.Runtime.Tests;

namespace Velithon.Generators.Tests.AsyncApi;

/// <summary>The AsyncAPI document the generator writes: its snapshot, its facts, its validity under the official schema, and the contract version.</summary>
public sealed class AsyncApiDocumentTests
{
    [Fact]
    public void Everything_MatchesItsBaseline()
    {
        var result = Generate(AsyncApiSources.Everything);
        Baseline.VerifyAll(result.GeneratedSources
            .Where(static s => s.HintName == "Velithon.AsyncApi.g.cs")
            .Select(static s => (s.HintName, s.SourceText.ToString())));
    }

    [Fact]
    public void Everything_TypesParametersBindingsAndSecurity()
    {
        var document = Document(Generate(AsyncApiSources.Everything));
        var channels = document["channels"]!.AsObject();
        Assert.Equal(["open_id", "palette", "rooms_roomId_files_rest", "shop_shopId"], channels.Select(static c => c.Key).Order(StringComparer.Ordinal));

        var rooms = channels["rooms_roomId_files_rest"]!;
        Assert.Equal("/rooms/{roomId}/files/{rest}", (string)rooms["address"]!);
        Assert.Equal("integer", (string)rooms["parameters"]!["roomId"]!["x-velithon-schema"]!["type"]!);
        Assert.Equal("The rest of the path, slashes included.", (string)rooms["parameters"]!["rest"]!["description"]!);
        var query = rooms["bindings"]!["ws"]!["query"]!;
        Assert.Equal(["priority"], query["required"]!.AsArray().Select(static v => (string)v!));
        Assert.Equal([0, 5, 10], query["properties"]!["priority"]!["enum"]!.AsArray().Select(static v => (int)v!));
        Assert.Equal("integer", (string)query["properties"]!["limit"]!["type"]!);
        Assert.Equal("string", (string)query["properties"]!["q"]!["type"]!);
        Assert.Null(rooms["bindings"]!["ws"]!["headers"]!["required"]);
        Assert.Equal("Members", (string)rooms["x-velithon-authorize"]!["policies"]![0]!);
        Assert.Equal(["admin", "editor"], rooms["x-velithon-authorize"]!["roles"]!.AsArray().Select(static v => (string)v!));
        Assert.Equal([1000, 1001, 1002, 1007, 1008, 1009, 1011, 4001], CloseCodes(rooms));
        Assert.Equal("A negative limit.", Code(rooms, 1008)["description"]!.GetValue<string>());
        Assert.Equal("handler", Code(rooms, 4001)["source"]!.GetValue<string>());
        var operation = document["operations"]!["rooms_roomId_files_rest_receive_message"]!;
        Assert.Equal("#/components/securitySchemes/aspnetcoreAuthorization", (string)operation["security"]![0]!["$ref"]!);

        var open = channels["open_id"]!;
        Assert.Equal("uuid", (string)open["parameters"]!["id"]!["x-velithon-schema"]!["format"]!);
        Assert.Equal(["X-Trace"], open["bindings"]!["ws"]!["headers"]!["required"]!.AsArray().Select(static v => (string)v!));
        Assert.Null(open["x-velithon-authorize"]);
        Assert.Null(document["operations"]!["open_id_send_message"]!["security"]);

        // [InvalidMessages(SendError)] answers invalid messages with error envelopes, not 1003 or 1007; the rate limit closes with 1008.
        var shop = channels["shop_shopId"]!;
        Assert.Equal([1000, 1001, 1002, 1007, 1008, 1009, 1011, 4100, 4200, 4426], CloseCodes(shop));
        Assert.Equal("Gone", Code(shop, 4200)["description"]!.GetValue<string>());
        Assert.Equal("Sent by Shop.ShopEndpoint.", Code(shop, 4100)["description"]!.GetValue<string>());
        Assert.Contains(1003, CloseCodes(channels["palette"]!));
    }

    [Fact]
    public void Everything_DerivesSchemasAsSystemTextJsonWritesThem()
    {
        var document = Document(Generate(AsyncApiSources.Everything));
        var schemas = document["components"]!["schemas"]!;
        var place = schemas["PlaceOrder"]!;
        Assert.Equal(
            ["sku", "quantity", "country", "email", "tags", "priority", "shipTo", "price", "note_text", "at"],
            place["properties"]!.AsObject().Select(static p => p.Key));
        Assert.Equal(["sku", "quantity", "country", "email", "tags", "priority", "shipTo", "at"], place["required"]!.AsArray().Select(static v => (string)v!));
        var sku = place["properties"]!["sku"]!;
        Assert.Equal((3, 40), ((int)sku["minLength"]!, (int)sku["maxLength"]!));
        Assert.Equal((1, 99), ((int)place["properties"]!["quantity"]!["minimum"]!, (int)place["properties"]!["quantity"]!["maximum"]!));
        Assert.Equal("^(?:[A-Z]{2})$", (string)place["properties"]!["country"]!["pattern"]!);
        Assert.Equal(["string", "null"], place["properties"]!["email"]!["type"]!.AsArray().Select(static v => (string)v!));
        Assert.Equal("email", (string)place["properties"]!["email"]!["format"]!);
        Assert.Equal((1, 5), ((int)place["properties"]!["tags"]!["minItems"]!, (int)place["properties"]!["tags"]!["maxItems"]!));
        Assert.Equal(0, (int)place["properties"]!["price"]!["default"]!);
        Assert.Equal("date-time", (string)place["properties"]!["at"]!["format"]!);
        Assert.Equal("#/components/schemas/Address", (string)place["properties"]!["shipTo"]!["$ref"]!);

        // A recursive record refers to itself, nullable through oneOf.
        var billing = schemas["Address"]!["properties"]!["billing"]!["oneOf"]!;
        Assert.Equal("#/components/schemas/Address", (string)billing[0]!["$ref"]!);
        Assert.Equal("null", (string)billing[1]!["type"]!);

        var cart = schemas["Cart"]!["properties"]!;
        // The routes are described in address order: /palette's contract names CartLine first.
        Assert.Equal("#/components/schemas/CartLine2", (string)cart["lines"]!["items"]!["$ref"]!);
        Assert.Equal("integer", (string)cart["counts"]!["additionalProperties"]!["type"]!);
        Assert.Equal("base64", (string)cart["token"]!["contentEncoding"]!);
        Assert.Equal(["Light", "Dark"], schemas["CartLine2"]!["properties"]!["shade"]!["enum"]!.AsArray().Select(static v => (string)v!));
        Assert.Equal((0.5, 10.0), ((double)schemas["CancelOrder"]!["properties"]!["refund"]!["minimum"]!, (double)schemas["CancelOrder"]!["properties"]!["refund"]!["maximum"]!));

        // The palette contract writes snake_case names and enum names, so its CartLine is another schema.
        Assert.Equal(["new_shade", "level", "max_item_count"], schemas["SetShade"]!["properties"]!.AsObject().Select(static p => p.Key));
        Assert.Equal(["Low", "Normal", "High"], schemas["SetShade"]!["properties"]!["level"]!["enum"]!.AsArray().Select(static v => (string)v!));
        Assert.Equal("#/components/schemas/CartLine", (string)schemas["ShadeSet"]!["properties"]!["last_line"]!["$ref"]!);
        Assert.Equal(["sku", "unit_count", "shade"], schemas["CartLine"]!["properties"]!.AsObject().Select(static p => p.Key));
        Assert.Equal(["sku", "unitCount", "shade"], schemas["CartLine2"]!["properties"]!.AsObject().Select(static p => p.Key));
    }

    [Fact]
    public void Everything_ContractMessagesHaveEnvelopesOperationsAndReplies()
    {
        var document = Document(Generate(AsyncApiSources.Everything));
        var shop = document["channels"]!["shop_shopId"]!;
        Assert.Equal(
            new[] { "cancel", "cancel-order", "confirm-payment", "confirm-payment_reply", "error", "get-cart", "get-cart_reply", "order-placed", "place-order" },
            shop["messages"]!.AsObject().Select(static m => m.Key).Order(StringComparer.Ordinal));

        var getCart = shop["messages"]!["get-cart"]!["payload"]!;
        Assert.Equal("get-cart", (string)getCart["properties"]!["type"]!["const"]!);
        Assert.Equal(["type", "id"], getCart["required"]!.AsArray().Select(static v => (string)v!));
        Assert.Equal(9007199254740991, (long)getCart["properties"]!["id"]!["maximum"]!);
        Assert.Equal("$message.payload#/id", (string)shop["messages"]!["get-cart"]!["correlationId"]!["location"]!);

        var operations = document["operations"]!;
        var receive = operations["shop_shopId_receive_get-cart"]!;
        Assert.Equal("receive", (string)receive["action"]!);
        Assert.Equal("#/channels/shop_shopId/messages/get-cart_reply", (string)receive["reply"]!["messages"]![0]!["$ref"]!);
        var ask = operations["shop_shopId_send_confirm-payment"]!;
        Assert.Equal("send", (string)ask["action"]!);
        Assert.Equal("#/channels/shop_shopId/messages/confirm-payment_reply", (string)ask["reply"]!["messages"]![0]!["$ref"]!);
        Assert.Equal("#/components/schemas/PaymentAnswer", (string)shop["messages"]!["confirm-payment_reply"]!["payload"]!["properties"]!["payload"]!["$ref"]!);
        Assert.NotNull(operations["shop_shopId_receive_error"]);
        Assert.NotNull(operations["shop_shopId_receive_cancel"]);
        Assert.NotNull(operations["shop_shopId_send_cancel"]);

        Assert.Equal(["type", "error"], shop["messages"]!["error"]!["payload"]!["required"]!.AsArray().Select(static v => (string)v!));
        Assert.Equal("velithon." + (string)shop["x-velithon-contract"]!["version"]!, (string)shop["x-velithon-contract"]!["subprotocol"]!);
    }

    [Fact]
    public async Task Everything_IsValidAsyncApi30_AndTheValidatorRejectsABrokenCopy()
    {
        var document = Document(Generate(AsyncApiSources.Everything));
        string folder = Directory.CreateTempSubdirectory("velithon-asyncapi").FullName;
        try
        {
            string valid = Path.Combine(folder, "everything.json");
            await File.WriteAllTextAsync(valid, document.ToJsonString());

            // An operation whose action is AsyncAPI 2's 'publish', and a channel key AsyncAPI does not allow.
            var broken = JsonNode.Parse(document.ToJsonString())!;
            broken["operations"]!["shop_shopId_receive_place-order"]!["action"] = "publish";
            string invalid = Path.Combine(folder, "broken.json");
            await File.WriteAllTextAsync(invalid, broken.ToJsonString());

            var results = await AsyncApiValidator.ValidateAsync(valid, invalid);
            Assert.True(results[0].Valid, string.Join("\n", results[0].Errors));
            Assert.Empty(results[0].Warnings);
            Assert.Equal("3.0.0", results[0].Version);
            Assert.Equal(4, results[0].Channels);
            Assert.False(results[1].Valid);
            Assert.Contains(results[1].Errors, static e => e.Contains("action", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ContractVersion_IsTheDocumentsAndIgnoresTypeNames_ButNotTheWire()
    {
        var first = Generate(AsyncApiSources.Everything);
        string version = (string)Document(first)["channels"]!["shop_shopId"]!["x-velithon-contract"]!["version"]!;
        Assert.Matches("^[0-9a-f]{16}$", version);
        string socket = first.GeneratedSources.Single(static s => s.HintName == "Velithon.Contracts.Shop.ShopSocket.g.cs").SourceText.ToString();
        Assert.Contains($"public const string ContractVersion = \"{version}\";", socket, StringComparison.Ordinal);
        Assert.Contains("public const string ContractSubprotocol = \"velithon.\" + ContractVersion;", socket, StringComparison.Ordinal);

        // Renaming a nested record changes no byte on the wire: the version stays.
        string renamed = System.Text.RegularExpressions.Regex.Replace(AsyncApiSources.Everything, @"\bAddress\b", "PostalAddress");
        Assert.Contains("PostalAddress? Billing", renamed, StringComparison.Ordinal);
        Assert.Equal(version, ShopVersion(renamed));

        // A property name, a type, a constraint or a tag that changes: another version.
        Assert.NotEqual(version, ShopVersion(AsyncApiSources.Everything.Replace("string Street", "string Road", StringComparison.Ordinal)));
        Assert.NotEqual(version, ShopVersion(AsyncApiSources.Everything.Replace("long Total", "int Total", StringComparison.Ordinal)));
        Assert.NotEqual(version, ShopVersion(AsyncApiSources.Everything.Replace("Range(1, 99)", "Range(1, 98)", StringComparison.Ordinal)));
        Assert.NotEqual(version, ShopVersion(AsyncApiSources.Everything.Replace("\"cancel-order\"", "\"drop-order\"", StringComparison.Ordinal)));

        // The palette contract's version is its own.
        Assert.NotEqual(version, (string)Document(first)["channels"]!["palette"]!["x-velithon-contract"]!["version"]!);
    }

    private static string ShopVersion(string source) =>
        (string)Document(Generate(source))["channels"]!["shop_shopId"]!["x-velithon-contract"]!["version"]!;

    private static int[] CloseCodes(JsonNode channel) =>
        [.. channel["x-velithon-close-codes"]!.AsArray().Select(static c => (int)c!["code"]!)];

    private static JsonNode Code(JsonNode channel, int code) =>
        channel["x-velithon-close-codes"]!.AsArray().Single(c => (int)c!["code"]! == code)!;

    internal static GeneratorRunResult Generate(string source)
    {
        var (_, output, result) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source));
        GeneratorHarness.AssertClean(output);
        return result;
    }

    /// <summary>The document in the generated file, read as the package's build target reads it.</summary>
    internal static JsonNode Document(GeneratorRunResult result) => JsonNode.Parse(DocumentText(result))!;

    internal static string DocumentText(GeneratorRunResult result)
    {
        string text = result.GeneratedSources.Single(static s => s.HintName == "Velithon.AsyncApi.g.cs").SourceText.ToString();
        int start = text.IndexOf('\n', text.IndexOf("AsyncApiDocument = \"\"\"", StringComparison.Ordinal)) + 1;
        return text[start..text.LastIndexOf("\n\"\"\"", StringComparison.Ordinal)];
    }
}

/// <summary>Runs tests/clients/asyncapi/validate.mjs, the official AsyncAPI parser, on document files.</summary>
internal static class AsyncApiValidator
{
    public sealed record Result(bool Valid, string? Version, int Channels, string[] Errors, string[] Warnings);

    public static async Task<Result[]> ValidateAsync(params string[] files)
    {
        string folder = Path.Combine(ExternalProcess.RepositoryRoot, "tests", "clients", "asyncapi");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "@asyncapi", "parser")),
            "Run `npm ci` in tests/clients/asyncapi (scripts/test.sh does) before this test.");
        var (_, output, errors) = await ExternalProcess.RunAsync("node", [Path.Combine(folder, "validate.mjs"), .. files], folder, environment: null, TimeSpan.FromSeconds(120));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == files.Length, "validate.mjs printed:\n" + output + "\n" + errors);
        return [.. lines.Select(static line =>
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return new Result(
                root.GetProperty("valid").GetBoolean(),
                root.GetProperty("version").GetString(),
                root.GetProperty("channels").GetArrayLength(),
                [.. root.GetProperty("errors").EnumerateArray().Select(static e => e.GetString()!)],
                [.. root.GetProperty("warnings").EnumerateArray().Select(static e => e.GetString()!)]);
        })];
    }
}
