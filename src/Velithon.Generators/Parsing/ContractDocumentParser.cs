using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// A contract's part of the AsyncAPI document: the JSON Schema of each case's payload and of each request's reply,
/// and the contract version, a hash of them. The typed socket (its <c>ContractVersion</c>) and the document of every
/// route that speaks the contract are both built here, so they always agree.
/// </summary>
internal static class ContractDocumentParser
{
    public static ContractDocumentSpec Describe(ContractShape shape, CancellationToken cancellationToken)
    {
        var builder = new JsonSchemaBuilder(JsonNaming.Of(shape.Context), cancellationToken);
        var messages = new List<ContractMessageSpec>();
        foreach (var (cases, fromClient) in new[] { (shape.Inbound, true), (shape.Outbound, false) })
        {
            foreach (var @case in cases.OrderBy(static c => c.Tag, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                messages.Add(new ContractMessageSpec(
                    @case.Tag,
                    fromClient,
                    builder.Build(@case.Type, nullable: false, null).ToCompactString(),
                    @case.Reply is null ? null : builder.Build(@case.Reply, nullable: false, null).ToCompactString(),
                    @case.Type.ToDisplayString()));
            }
        }

        var schemas = builder.Named
            .Select(static s => new NamedSchemaSpec(s.Key, s.Value.ToCompactString()))
            .OrderBy(static s => s.Name, StringComparer.Ordinal)
            .ToArray();
        return new ContractDocumentSpec(
            shape.Socket.ToDisplayString(),
            Version(messages, schemas),
            new EquatableArray<ContractMessageSpec>(messages.ToArray()),
            new EquatableArray<NamedSchemaSpec>(schemas));
    }

    /// <summary>
    /// The first 8 bytes, as lowercase hexadecimal, of the SHA-256 of the canonical form: one object per case
    /// (direction, tag, payload, reply), each schema with its references replaced by the schema they name the first
    /// time, and by the order in which it was first met after that, so the names of C# types do not count.
    /// </summary>
    public static string Version(IReadOnlyList<ContractMessageSpec> messages, IReadOnlyList<NamedSchemaSpec> schemas)
    {
        var named = schemas.ToDictionary(static s => s.Name, static s => Parse(s.Schema), StringComparer.Ordinal);
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        var canonical = new JsonArray();
        foreach (var message in messages)
        {
            var entry = new JsonObject()
                .Set("direction", message.FromClient ? "client" : "server")
                .Set("tag", message.Tag)
                .Set("payload", Inline(Parse(message.Payload), named, order));
            if (message.Reply is not null)
            {
                entry.Set("reply", Inline(Parse(message.Reply), named, order));
            }

            canonical.Add(entry);
        }

        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(canonical.ToCompactString()));
        var hex = new StringBuilder(16);
        for (int i = 0; i < 8; i++)
        {
            hex.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }

    private static JsonNode Inline(JsonNode node, Dictionary<string, JsonNode> named, Dictionary<string, int> order)
    {
        switch (node)
        {
            case JsonObject obj when obj.GetString("$ref") is { } reference && reference.StartsWith(JsonSchemaBuilder.SchemaRefPrefix, StringComparison.Ordinal):
                string name = reference.Substring(JsonSchemaBuilder.SchemaRefPrefix.Length);
                if (order.TryGetValue(name, out int index))
                {
                    return new JsonObject().Set("$seen", index);
                }

                order.Add(name, order.Count);
                return named.TryGetValue(name, out var target) ? Inline(target, named, order) : new JsonObject();
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var member in obj.Members)
                {
                    copy.Set(member.Key, Inline(member.Value, named, order));
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array.Items)
                {
                    items.Add(Inline(item, named, order));
                }

                return items;
            default:
                return node;
        }
    }

    private static JsonNode Parse(string json) =>
        JsonParser.TryParse(json, out _, out _, out _) ?? throw new InvalidOperationException("A generated schema is not valid JSON: " + json);
}
