namespace Velithon.Generators.Tests.AsyncApi;

/// <summary>
/// A test assembly with every kind of parameter and message the AsyncAPI document describes: path values typed by
/// converters and by parameter types (a catch-all too), optional and required query and header values, an enum,
/// [Authorize] and [AllowAnonymous], constant close codes, and two contracts whose payloads use the naming policies,
/// [JsonPropertyName], [JsonIgnore], nullability, required members, enums as numbers and as names, collections,
/// dictionaries, nested and recursive records, and the DataAnnotations that map to JSON Schema.
/// </summary>
internal static class AsyncApiSources
{
    public const string Usings = Contracts.ContractSources.Usings + """
        using Microsoft.AspNetCore.Authorization;

        """;

    public const string Everything = Usings + """
        namespace Shop;

        public enum Priority { Low, Normal = 5, High = 10 }

        [JsonConverter(typeof(JsonStringEnumConverter<Shade>))]
        public enum Shade { Light, Dark }

        public static class Rooms
        {
            [WebSocket("/rooms/<int:roomId>/files/<path:rest>")]
            [Authorize(Policy = "Members", Roles = "admin,editor")]
            public static async Task Join(
                WebSocket ws,
                int roomId,
                string rest,
                [FromQuery] Priority priority,
                [FromQuery] int? limit,
                [FromQuery(Name = "q")] string query = "all",
                [FromHeader(Name = "X-Client")] string client = "")
            {
                await ws.AcceptAsync();
                if (limit is < 0)
                {
                    await ws.CloseAsync(WebSocketCloseCode.PolicyViolation, "A negative limit.");
                }

                throw new WebSocketCloseException(4001, reason: "Room closed");
            }

            [WebSocket("/open/{id:guid}")]
            [AllowAnonymous]
            public static Task Open(WebSocket ws, Guid id, [FromHeader(Name = "X-Trace")] string trace) => ws.CloseAsync();
        }

        // Client to server, under JsonSerializerDefaults.Web (camelCase names, numeric enums).
        [JsonDerivedType(typeof(PlaceOrder), "place-order")]
        [JsonDerivedType(typeof(CancelOrder), "cancel-order")]
        [JsonDerivedType(typeof(GetCart), "get-cart")]
        public abstract record ShopCommand;

        public sealed record PlaceOrder(
            [property: Required, StringLength(40, MinimumLength = 3)] string Sku,
            [property: Range(1, 99)] int Quantity,
            [property: RegularExpression("[A-Z]{2}")] string Country,
            [property: EmailAddress] string? Email,
            [property: MinLength(1), MaxLength(5)] List<string> Tags,
            Priority Priority,
            Address ShipTo,
            decimal Price = 0) : ShopCommand
        {
            [JsonPropertyName("note_text")]
            public string? Note { get; init; }

            [JsonIgnore]
            public string Internal { get; init; } = "";

            public required DateTimeOffset At { get; init; }
        }

        public sealed record CancelOrder(Guid OrderId, [property: Range(0.5, 10.0)] double Refund) : ShopCommand;

        public sealed record GetCart : ShopCommand, IWebSocketRequest<Cart>;

        public sealed record Address(string Street, string? City, Address? Billing);

        public sealed record Cart(IReadOnlyList<CartLine> Lines, Dictionary<string, int> Counts, byte[] Token, long Total);

        public sealed record CartLine(string Sku, int UnitCount, Shade Shade);

        // Server to client.
        [JsonDerivedType(typeof(OrderPlaced), "order-placed")]
        [JsonDerivedType(typeof(ConfirmPayment), "confirm-payment")]
        public abstract record ShopEvent;

        public sealed record OrderPlaced(Guid OrderId, DateTime When, TimeSpan Eta, Uri Receipt, bool Gift, char Code) : ShopEvent;

        public sealed record ConfirmPayment(decimal Amount) : ShopEvent, IWebSocketRequest<PaymentAnswer>;

        public sealed record PaymentAnswer(bool Accepted, string? Reason);

        [JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
        [JsonSerializable(typeof(PlaceOrder))]
        [JsonSerializable(typeof(CancelOrder))]
        [JsonSerializable(typeof(GetCart))]
        [JsonSerializable(typeof(Cart))]
        [JsonSerializable(typeof(OrderPlaced))]
        [JsonSerializable(typeof(ConfirmPayment))]
        [JsonSerializable(typeof(PaymentAnswer))]
        public sealed class ShopJson() : JsonSerializerContext(null)
        {
            public static ShopJson Default { get; } = new();
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
        }

        [WebSocketContract(typeof(ShopCommand), typeof(ShopEvent), typeof(ShopJson))]
        public sealed partial class ShopSocket;

        [WebSocket("/shop/<shopId>")]
        [InvalidMessages(InvalidMessageBehavior.SendError)]
        [MessageRateLimit(10, 10, 1000)]
        public sealed class ShopEndpoint(string shopId) : WebSocketEndpoint
        {
            [OnMessage]
            public ValueTask OnPlace(ShopSocket socket, PlaceOrder order) => default;

            [OnMessage]
            public async ValueTask OnCancel(ShopSocket socket, CancelOrder cancel)
            {
                await socket.CloseAsync(4100, "Order cancelled: " + shopId.Length);
                await socket.CloseAsync(code: 4200, reason: "Gone");
            }

            [OnMessage]
            public ValueTask<Cart> OnGetCart(ShopSocket socket, GetCart request) => default;
        }

        // A second contract under snake_case names and string enums, on a static route.
        [JsonDerivedType(typeof(SetShade), "set-shade")]
        public abstract record PaletteCommand;

        public sealed record SetShade(Shade NewShade, Priority Level, int MaxItemCount) : PaletteCommand;

        [JsonDerivedType(typeof(ShadeSet), "shade-set")]
        public abstract record PaletteEvent;

        public sealed record ShadeSet(Shade CurrentShade, CartLine LastLine) : PaletteEvent;

        [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true)]
        [JsonSerializable(typeof(SetShade))]
        [JsonSerializable(typeof(ShadeSet))]
        public sealed class PaletteJson() : JsonSerializerContext(null)
        {
            public static PaletteJson Default { get; } = new();
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
        }

        [WebSocketContract(typeof(PaletteCommand), typeof(PaletteEvent), typeof(PaletteJson))]
        public sealed partial class PaletteSocket;

        public static class Palette
        {
            [WebSocket("/palette")]
            public static Task Connect(PaletteSocket socket) => socket.DispatchMessagesAsync();

            [OnMessage]
            public static ValueTask OnSet(PaletteSocket socket, SetShade set) => default;
        }
        """;
}
