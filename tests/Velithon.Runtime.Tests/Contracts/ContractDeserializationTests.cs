using System.Text.Json;
using System.Text.Json.Serialization;
using Velithon.Contracts;

namespace Velithon.Runtime.Tests.Contracts;

/// <summary>
/// Payloads System.Text.Json refuses with something other than <see cref="JsonException"/>: a polymorphic abstract
/// property without its discriminator is a <see cref="NotSupportedException"/>, and a reply type's constructor may throw.
/// What the client sent is at fault, so neither may escape into the dispatch loop.
/// </summary>
public sealed class ContractDeserializationTests
{
    [Fact]
    public void TryDeserialize_PayloadTheSerializerDoesNotSupport_IsFalse()
    {
        Assert.Equal(EnvelopeKind.Message, EnvelopeReader.Read("""{"type":"draw","payload":{"shape":{}}}"""u8, out var envelope));

        Assert.False(ContractMessages.TryDeserialize(envelope.ToMessage(), DrawingJson.Default.Drawing, out _));
    }

    [Fact]
    public void JsonMessagesTryDeserialize_PayloadTheSerializerDoesNotSupport_IsFalse()
    {
        Assert.False(Velithon.Endpoints.JsonMessages.TryDeserialize("""{"type":"draw","shape":{}}"""u8, DrawingJson.Default.Drawing, out _));
    }

    [Theory]
    [InlineData("""{"shape":{}}""", "is not valid JSON for Drawing")]
    [InlineData("""{"shape":{"$type":"circle","radius":-1}}""", "is not valid JSON for Drawing")]
    public void ServerRequest_ReplyWhoseDeserializationThrows_FailsTheRequest_WithWebSocketRequestException(string reply, string expected)
    {
        var pending = new PendingRequest<Drawing>(JsonEncodedText.Encode("draw"), DrawingJson.Default.Drawing) { Id = 3 };

        pending.SetReply(System.Text.Encoding.UTF8.GetBytes(reply));

        Assert.True(pending.Task.IsFaulted);
        var exception = Assert.IsType<WebSocketRequestException>(pending.Task.Exception!.InnerException);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }
}

[JsonDerivedType(typeof(Circle), "circle")]
public abstract record Shape;

/// <summary>A circle; its constructor refuses a negative radius, as a user's record may.</summary>
public sealed record Circle(double Radius) : Shape
{
    public double Radius { get; } = Radius >= 0 ? Radius : throw new ArgumentOutOfRangeException(nameof(Radius), "A radius is not negative.");
}

public sealed record Drawing(Shape Shape);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Drawing))]
internal sealed partial class DrawingJson : JsonSerializerContext;
