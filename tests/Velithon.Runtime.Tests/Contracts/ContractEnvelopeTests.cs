using System.Text;
using System.Text.Json;
using Velithon.Buffers;
using Velithon.Connections;
using Velithon.Contracts;

namespace Velithon.Runtime.Tests.Contracts;

/// <summary>The envelope as read from a received message and as written into a send buffer.</summary>
public sealed class ContractEnvelopeTests
{
    [Theory]
    [InlineData("""{"type":"add-card","id":7,"payload":{"title":"A"}}""")]
    [InlineData("""{"payload":{"title":"A"},"id":7,"type":"add-card"}""")]
    [InlineData("""{"id":7,"payload":{"title":"A"},"type":"add-card"}""")]
    [InlineData(""" { "extra" : [1, {"type":"x","id":9}], "payload" : {"title":"A"}, "note":null, "type" : "add-card", "id" : 7 } """)]
    public void Read_PropertiesInAnyOrder_FindsTypeIdAndPayload(string json)
    {
        var kind = EnvelopeReader.Read(Encoding.UTF8.GetBytes(json), out var envelope);

        Assert.Equal(EnvelopeKind.Message, kind);
        var message = envelope.ToMessage();
        Assert.True(message.TypeEquals("add-card"u8));
        Assert.False(message.TypeEquals("add-car"u8));
        Assert.False(message.TypeEquals("add-cards"u8));
        Assert.Equal("add-card", message.Type);
        Assert.Equal(7, message.Id);
        Assert.Equal("""{"title":"A"}""", Encoding.UTF8.GetString(message.Payload));
    }

    [Theory]
    [InlineData("""{"type":"add\u002Dcard"}""")]
    [InlineData("""{"type":"\u0061dd-card"}""")]
    [InlineData("""{"\u0074ype":"add-card"}""")]
    public void Read_EscapedTypeOrProperty_MatchesTheUnescapedTag(string json)
    {
        Assert.Equal(EnvelopeKind.Message, EnvelopeReader.Read(Encoding.UTF8.GetBytes(json), out var envelope));
        var message = envelope.ToMessage();

        Assert.True(message.TypeEquals("add-card"u8));
        Assert.False(message.TypeEquals("add\\u002Dcard"u8));
        Assert.Equal("add-card", message.Type);
    }

    [Fact]
    public void Read_NonAsciiTag_ComparesItsUtf8()
    {
        Assert.Equal(EnvelopeKind.Message, EnvelopeReader.Read("""{"type":"carte-ajoutée"}"""u8, out var raw));
        Assert.Equal(EnvelopeKind.Message, EnvelopeReader.Read("""{"type":"carte-ajout\u00e9e"}"""u8, out var escaped));

        Assert.True(raw.ToMessage().TypeEquals("carte-ajoutée"u8));
        Assert.True(escaped.ToMessage().TypeEquals("carte-ajoutée"u8));
    }

    [Theory]
    [InlineData("""{"type":"get-board"}""")]
    [InlineData("""{"type":"get-board","id":3}""")]
    public void Read_WithoutPayload_PayloadIsAnEmptyObject(string json)
    {
        Assert.Equal(EnvelopeKind.Message, EnvelopeReader.Read(Encoding.UTF8.GetBytes(json), out var envelope));

        Assert.Equal("{}", Encoding.UTF8.GetString(envelope.ToMessage().Payload));
    }

    [Theory]
    [InlineData("""{"type":"a","payload":[1,2]}""", "[1,2]")]
    [InlineData("""{"type":"a","payload":"text"}""", "\"text\"")]
    [InlineData("""{"type":"a","payload":12.5}""", "12.5")]
    [InlineData("""{"type":"a","payload":null}""", "null")]
    public void Read_PayloadOfAnyJsonKind_IsItsRawSlice(string json, string payload)
    {
        Assert.Equal(EnvelopeKind.Message, EnvelopeReader.Read(Encoding.UTF8.GetBytes(json), out var envelope));

        Assert.Equal(payload, Encoding.UTF8.GetString(envelope.Payload));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("\"7\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("9007199254740992")]
    [InlineData("99999999999999999999")]
    public void Read_IdNotAnIntegerFrom1To2Pow53Minus1_IsBadId(string id)
    {
        Assert.Equal(EnvelopeKind.BadId, EnvelopeReader.Read(Encoding.UTF8.GetBytes($$$"""{"type":"get-board","id":{{{id}}}}"""), out _));
    }

    [Fact]
    public void Read_LargestId_IsAccepted()
    {
        Assert.Equal(EnvelopeKind.Message, EnvelopeReader.Read("""{"type":"get-board","id":9007199254740991}"""u8, out var envelope));

        Assert.Equal(9007199254740991, envelope.Id);
    }

    [Theory]
    [InlineData("""{"type":"reply","id":4,"payload":{"name":"Ann"}}""", "Reply", 4)]
    [InlineData("""{"payload":{"name":"Ann"},"id":4,"type":"repl\u0079"}""", "Reply", 4)]
    [InlineData("""{"type":"error","id":4,"error":"no"}""", "Error", 4)]
    [InlineData("""{"type":"error","error":"no"}""", "Error", 0)]
    [InlineData("""{"type":"cancel","id":4}""", "Cancel", 4)]
    public void Read_ReservedTypes_AreRecognized(string json, string expected, long id)
    {
        Assert.Equal(expected, EnvelopeReader.Read(Encoding.UTF8.GetBytes(json), out var envelope).ToString());

        Assert.Equal(id, envelope.Id);
    }

    [Fact]
    public void Read_Error_KeepsItsTextUnescaped()
    {
        Assert.Equal(EnvelopeKind.Error, EnvelopeReader.Read("""{"error":"say \"no\"\n","type":"error","id":2,"errors":{"a":["b"]}}"""u8, out var envelope));

        Assert.Equal("say \"no\"\n", envelope.GetErrorText());
    }

    [Theory]
    [InlineData("""{"type":"reply","payload":{}}""")]
    [InlineData("""{"type":"cancel"}""")]
    public void Read_ReplyOrCancelWithoutId_IsBadId(string json)
    {
        Assert.Equal(EnvelopeKind.BadId, EnvelopeReader.Read(Encoding.UTF8.GetBytes(json), out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{oops")]
    [InlineData("[1,2]")]
    [InlineData("\"add-card\"")]
    [InlineData("""{"type":"add-card","payload":{"title":"A"}""")]
    [InlineData("""{"type":"add-card"} {}""")]
    [InlineData("""{"type":"add-card",}""")]
    public void Read_NotAJsonObject_IsNotAnObject(string json)
    {
        Assert.Equal(EnvelopeKind.NotAnObject, EnvelopeReader.Read(Encoding.UTF8.GetBytes(json), out _));
    }

    // RFC 8259 section 8.2 lets a \u escape name half a surrogate pair, which is no text: the reader refuses to
    // unescape it (InvalidOperationException), so the envelope is not one, wherever the escape is.
    [Theory]
    [InlineData("""{"\ud800":1,"type":"add-card"}""")]
    [InlineData("""{"type":"\ud800"}""")]
    [InlineData("""{"type":"\udc00xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}""")]
    [InlineData("""{"type":"error","error":"\ud800"}""")]
    [InlineData("""{"type":"error","id":3,"error":"\ud800 no"}""")]
    public void Read_EscapeThatIsNotUtf16_IsNotAnObject(string json)
    {
        Assert.Equal(EnvelopeKind.NotAnObject, EnvelopeReader.Read(Encoding.UTF8.GetBytes(json), out _));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"payload":{}}""")]
    [InlineData("""{"type":5}""")]
    [InlineData("""{"type":null}""")]
    [InlineData("""{"type":{"name":"add-card"}}""")]
    public void Read_WithoutAStringType_IsNoType(string json)
    {
        Assert.Equal(EnvelopeKind.NoType, EnvelopeReader.Read(Encoding.UTF8.GetBytes(json), out _));
    }

    [Fact]
    public void WriteMessage_WritesTypeIdAndPayloadInPlace()
    {
        Assert.Equal("""{"type":"card-added","payload":{"cardId":1,"title":"A \u0022quoted\u0022"}}""",
            Write(json => EnvelopeWriter.WriteMessage(json, JsonEncodedText.Encode("card-added"), 0, new CardAdded(1, "A \"quoted\""), BoardTestJson.Default.CardAdded)));
        Assert.Equal("""{"type":"ask-name","id":9007199254740991,"payload":{"prompt":"?"}}""",
            Write(json => EnvelopeWriter.WriteMessage(json, JsonEncodedText.Encode("ask-name"), EnvelopeReader.MaxId, new AskName("?"), BoardTestJson.Default.AskName)));
    }

    [Fact]
    public void WriteError_GroupsEachMembersMessages_InTheOrderFirstFound()
    {
        var errors = new ValidationErrors();
        errors.Add("title", "The Title field is required.");
        errors.Add("column", "Unknown column.");
        errors.Add("title", "Too short.");
        errors.Add(new System.ComponentModel.DataAnnotations.ValidationResult("Not on a Sunday."));

        Assert.Equal(
            """{"type":"error","id":3,"error":"invalid","errors":{"title":["The Title field is required.","Too short."],"column":["Unknown column."],"":["Not on a Sunday."]}}""",
            Write(json => EnvelopeWriter.WriteError(json, 3, "invalid", errors)));
        Assert.Equal("""{"type":"error","error":"no"}""", Write(json => EnvelopeWriter.WriteError(json, 0, "no", null)));
    }

    [Fact]
    public void WriteCancel_WritesTheId()
    {
        Assert.Equal("""{"type":"cancel","id":12}""", Write(json => EnvelopeWriter.WriteCancel(json, 12)));
    }

    [Fact]
    public void WrittenEnvelopes_ReadBack()
    {
        string json = Write(json => EnvelopeWriter.WriteMessage(json, JsonEncodedText.Encode("add-card"), 5, new AddCard("é"), BoardTestJson.Default.AddCard));

        Assert.Equal(EnvelopeKind.Message, EnvelopeReader.Read(Encoding.UTF8.GetBytes(json), out var envelope));
        Assert.True(ContractMessages.TryDeserialize(envelope.ToMessage(), BoardTestJson.Default.AddCard, out var add));
        Assert.Equal(("add-card", 5L, "é"), (envelope.ToMessage().Type, envelope.Id, add.Title));
    }

    [Fact]
    public void CloseReason_TooLong_IsCutAtACharacterWithinTheLimit()
    {
        string ascii = new('a', 200);
        string accented = new('é', 100);
        string emoji = string.Concat(Enumerable.Repeat("😀", 40));

        foreach (string reason in new[] { ascii, accented, emoji, "x" + emoji })
        {
            string fitted = CloseReasonText.Fit(reason);
            Assert.InRange(Encoding.UTF8.GetByteCount(fitted), 100, CloseReasonText.MaxBytes);
            Assert.EndsWith("...", fitted, StringComparison.Ordinal);
            Assert.StartsWith(fitted[..^3], reason, StringComparison.Ordinal);
            Assert.False(char.IsHighSurrogate(fitted[^4]));
        }

        Assert.Equal(ascii[..123], CloseReasonText.Fit(ascii[..123]));
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new PooledBufferWriter();
        using var json = new Utf8JsonWriter(buffer);
        write(json);
        json.Flush();
        string text = Encoding.UTF8.GetString(buffer.WrittenMemory.Span);
        buffer.Reset();
        return text;
    }
}
