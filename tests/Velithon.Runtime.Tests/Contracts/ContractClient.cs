using System.Net.WebSockets;
using System.Text.Json;

namespace Velithon.Runtime.Tests.Contracts;

/// <summary>The client side of the contract tests: envelopes as JSON text, read back as <see cref="JsonElement"/>.</summary>
public static class ContractClient
{
    public static async Task<JsonElement> ReceiveEnvelopeAsync(this ClientWebSocket client)
    {
        using var document = JsonDocument.Parse(await client.ReceiveTextAsync());
        return document.RootElement.Clone();
    }

    /// <summary>Receives an envelope and checks its type; returns it.</summary>
    public static async Task<JsonElement> ReceiveEnvelopeAsync(this ClientWebSocket client, string type)
    {
        var envelope = await client.ReceiveEnvelopeAsync();
        Assert.Equal(type, envelope.GetProperty("type").GetString());
        return envelope;
    }

    public static long Id(this JsonElement envelope) => envelope.GetProperty("id").GetInt64();

    public static JsonElement Payload(this JsonElement envelope) => envelope.GetProperty("payload");
}
