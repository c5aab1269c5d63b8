using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Velithon.Generators.Helpers;

namespace Velithon.Generators.AsyncApi;

/// <summary>A change of the document that breaks clients of the approved one, at the approved node it breaks.</summary>
internal sealed record BreakingChange(string Message, JsonNode Where);

/// <summary>
/// Compares the current AsyncAPI document with the approved one, from the side of a client built against the approved
/// document. Channels are matched by address (parameter names aside), messages by tag and direction.
/// </summary>
/// <remarks>
/// <para>What a client writes (the payloads of <c>receive</c> operations, the replies to the server's requests) breaks
/// when the server accepts less: a removed field, a changed type, a new required field, null no longer allowed, or a
/// narrower constraint (a larger minimum or minLength, a smaller maximum or maxLength, a new or changed pattern or
/// format, fewer enum values).</para>
/// <para>What a client reads (the payloads of <c>send</c> operations, the replies to its requests) breaks when the
/// server may write something the client does not expect: a removed field, a changed type, a required field that may
/// now be absent, a value that may now be null, or a new enum value.</para>
/// <para>A removed route or message, a message that stops or starts being a request, a new required query or header
/// value, a changed path parameter type, and a route that now requires authorization also break. Added routes,
/// messages and optional fields do not.</para>
/// </remarks>
internal sealed class BreakingChanges
{
    private readonly JsonObject _old;
    private readonly JsonObject _new;
    private readonly List<BreakingChange> _found = new();
    private readonly HashSet<string> _comparing = new(StringComparer.Ordinal);

    private BreakingChanges(JsonObject old, JsonObject current)
    {
        _old = old;
        _new = current;
    }

    public static List<BreakingChange> Find(JsonObject approved, JsonObject current)
    {
        var changes = new BreakingChanges(approved, current);
        changes.CompareChannels();
        return changes._found;
    }

    private void CompareChannels()
    {
        var oldChannels = _old.GetObject("channels") ?? new JsonObject();
        var newChannels = (_new.GetObject("channels") ?? new JsonObject()).Members
            .GroupBy(static c => NormalizedAddress(c.Value))
            .ToDictionary(static g => g.Key, static g => g.First(), StringComparer.Ordinal);
        foreach (var channel in oldChannels.Members)
        {
            if (channel.Value is not JsonObject oldChannel)
            {
                continue;
            }

            string address = oldChannel.GetString("address") ?? channel.Key;
            if (!newChannels.TryGetValue(NormalizedAddress(oldChannel), out var current) || current.Value is not JsonObject newChannel)
            {
                Report(oldChannel, $"the route '{address}' was removed");
                continue;
            }

            CompareParameters(address, oldChannel, newChannel);
            CompareBinding(address, "query value", oldChannel, newChannel, "query");
            CompareBinding(address, "header", oldChannel, newChannel, "headers");
            if (oldChannel["x-velithon-authorize"] is null && newChannel["x-velithon-authorize"] is not null)
            {
                Report(oldChannel, $"the route '{address}' now requires authorization ([Authorize])");
            }

            CompareMessages(address, channel.Key, current.Key);
        }
    }

    private void CompareParameters(string address, JsonObject oldChannel, JsonObject newChannel)
    {
        var oldParameters = oldChannel.GetObject("parameters")?.Members ?? [];
        var newParameters = newChannel.GetObject("parameters")?.Members ?? [];
        for (int i = 0; i < oldParameters.Count && i < newParameters.Count; i++)
        {
            if (oldParameters[i].Value is JsonObject oldParameter && newParameters[i].Value is JsonObject newParameter
                && oldParameter.GetObject("x-velithon-schema") is { } oldSchema && newParameter.GetObject("x-velithon-schema") is { } newSchema)
            {
                CompareSchema(oldSchema, newSchema, writes: true, $"the path parameter '{oldParameters[i].Key}' of '{address}'");
            }
        }
    }

    private void CompareBinding(string address, string what, JsonObject oldChannel, JsonObject newChannel, string name)
    {
        var oldSchema = oldChannel.GetObject("bindings")?.GetObject("ws")?.GetObject(name) ?? new JsonObject().Set("type", "object").Set("properties", new JsonObject());
        var newSchema = newChannel.GetObject("bindings")?.GetObject("ws")?.GetObject(name);
        if (newSchema is null)
        {
            return;
        }

        var anchor = oldChannel.GetObject("bindings")?.GetObject("ws")?.GetObject(name) ?? (JsonNode)oldChannel;
        var oldRequired = RequiredOf(oldSchema);
        foreach (var required in RequiredOf(newSchema))
        {
            if (!oldRequired.Contains(required))
            {
                Report(anchor, $"the route '{address}' now requires the {what} '{required}'");
            }
        }

        var oldProperties = oldSchema.GetObject("properties")?.Members ?? [];
        var newProperties = newSchema.GetObject("properties");
        foreach (var property in oldProperties)
        {
            if (property.Value is JsonObject oldProperty && newProperties?[property.Key] is JsonObject newProperty)
            {
                CompareSchema(oldProperty, newProperty, writes: true, $"the {what} '{property.Key}' of '{address}'");
            }
        }
    }

    private void CompareMessages(string address, string oldKey, string newKey)
    {
        var newMessages = Messages(_new, newKey).GroupBy(static m => (m.Tag, m.Action)).ToDictionary(static g => g.Key, static g => g.First());
        foreach (var message in Messages(_old, oldKey))
        {
            string what = $"the '{message.Tag}' message {(message.Action == "receive" ? "clients send" : "the server sends")} on '{address}'";
            if (!newMessages.TryGetValue((message.Tag, message.Action), out var current))
            {
                Report(message.Node, what + " was removed");
                continue;
            }

            if ((message.Reply is null) != (current.Reply is null))
            {
                Report(message.Node, what + (message.Reply is null ? " became a request" : " is no longer a request"));
                continue;
            }

            bool clientWrites = message.Action == "receive";
            if (message.Payload is not null && current.Payload is not null)
            {
                CompareSchema(message.Payload, current.Payload, clientWrites, "the payload of " + what);
            }

            if (message.Reply is not null && current.Reply is not null)
            {
                CompareSchema(message.Reply, current.Reply, !clientWrites, "the reply to " + what);
            }
        }
    }

    /// <summary>The cases of a channel, from its operations: tag, action, payload schema, and the reply's payload schema.</summary>
    private static List<(string Tag, string Action, JsonObject Node, JsonObject? Payload, JsonObject? Reply)> Messages(JsonObject document, string channelKey)
    {
        var result = new List<(string, string, JsonObject, JsonObject?, JsonObject?)>();
        string channelRef = "#/channels/" + channelKey;
        foreach (var operation in document.GetObject("operations")?.Members ?? [])
        {
            if (operation.Value is not JsonObject op || op.GetObject("channel")?.GetString("$ref") != channelRef || op.GetString("action") is not { } action)
            {
                continue;
            }

            foreach (var reference in op.GetArray("messages")?.Items ?? [])
            {
                if (Resolve(document, (reference as JsonObject)?.GetString("$ref")) is not JsonObject message
                    || EnvelopeType(message) is not { } tag || tag is "error" or "cancel" or "reply")
                {
                    continue;
                }

                JsonObject? reply = null;
                if (op.GetObject("reply")?.GetArray("messages")?.Items.FirstOrDefault() is JsonObject replyRef
                    && Resolve(document, replyRef.GetString("$ref")) is JsonObject replyMessage)
                {
                    reply = Payload(replyMessage) ?? new JsonObject();
                }

                result.Add((tag, action, message, Payload(message), reply));
            }
        }

        return result;
    }

    private static string? EnvelopeType(JsonObject message) =>
        message.GetObject("payload")?.GetObject("properties")?.GetObject("type")?.GetString("const")
        ?? (message.GetString("name") == "message" ? "message" : null);

    private static JsonObject? Payload(JsonObject message) =>
        message.GetObject("payload")?.GetObject("properties")?.GetObject("payload");

    /// <summary>Compares two schemas; <paramref name="writes"/> is true where the client writes values of it.</summary>
    private void CompareSchema(JsonObject oldSchema, JsonObject newSchema, bool writes, string what)
    {
        var (oldResolved, oldNullable, oldRef) = Unwrap(_old, oldSchema);
        var (newResolved, newNullable, newRef) = Unwrap(_new, newSchema);
        if (oldResolved is null || newResolved is null)
        {
            return;
        }

        if (writes && oldNullable && !newNullable)
        {
            Report(oldSchema, what + " no longer accepts null");
        }
        else if (!writes && !oldNullable && newNullable)
        {
            Report(oldSchema, what + " may now be null");
        }

        // A recursive type is compared once per pair of schemas.
        if (oldRef is not null && newRef is not null && !_comparing.Add(oldRef + "|" + newRef + "|" + writes))
        {
            return;
        }

        var oldTypes = Types(oldResolved);
        var newTypes = Types(newResolved);
        bool widened = writes && oldTypes.SetEquals(["integer"]) && newTypes.SetEquals(["number"]);
        if (oldTypes.Count > 0 && newTypes.Count > 0 && !oldTypes.SetEquals(newTypes) && !widened)
        {
            Report(oldSchema, $"{what} changed type from {string.Join("|", oldTypes)} to {string.Join("|", newTypes)}");
            return;
        }

        if (oldResolved.GetObject("items") is { } oldItems && newResolved.GetObject("items") is { } newItems)
        {
            CompareSchema(oldItems, newItems, writes, "an item of " + what);
        }

        if (oldResolved.GetObject("additionalProperties") is { } oldValues && newResolved.GetObject("additionalProperties") is { } newValues)
        {
            CompareSchema(oldValues, newValues, writes, "a value of " + what);
        }

        CompareProperties(oldResolved, newResolved, writes, what);
        CompareEnum(oldSchema, oldResolved, newResolved, writes, what);
        if (writes)
        {
            CompareConstraints(oldSchema, oldResolved, newResolved, what);
        }
    }

    private void CompareProperties(JsonObject oldSchema, JsonObject newSchema, bool writes, string what)
    {
        var oldProperties = oldSchema.GetObject("properties");
        var newProperties = newSchema.GetObject("properties");
        if (oldProperties is null || newProperties is null)
        {
            return;
        }

        var oldRequired = RequiredOf(oldSchema);
        var newRequired = RequiredOf(newSchema);
        foreach (var property in oldProperties.Members)
        {
            if (newProperties[property.Key] is not JsonObject newProperty)
            {
                Report(property.Value, $"the field '{property.Key}' of {what} was removed");
                continue;
            }

            if (!writes && oldRequired.Contains(property.Key) && !newRequired.Contains(property.Key))
            {
                Report(property.Value, $"the field '{property.Key}' of {what} may now be absent");
            }

            if (property.Value is JsonObject oldProperty)
            {
                CompareSchema(oldProperty, newProperty, writes, $"the field '{property.Key}' of {what}");
            }
        }

        if (writes)
        {
            foreach (var required in newRequired)
            {
                if (!oldRequired.Contains(required))
                {
                    Report(oldSchema, $"the field '{required}' of {what} is {(oldProperties[required] is null ? "new and required" : "now required")}");
                }
            }
        }
    }

    private void CompareEnum(JsonObject anchor, JsonObject oldSchema, JsonObject newSchema, bool writes, string what)
    {
        var oldValues = oldSchema.GetArray("enum")?.Items.Select(static v => v.ToCompactString()).ToList();
        var newValues = newSchema.GetArray("enum")?.Items.Select(static v => v.ToCompactString()).ToList();
        if (writes && newValues is not null && (oldValues is null || oldValues.Except(newValues).Any()))
        {
            var lost = oldValues is null ? "values outside " + string.Join(", ", newValues) : string.Join(", ", oldValues.Except(newValues));
            Report(anchor, $"{what} no longer accepts {lost}");
        }
        else if (!writes && oldValues is not null && (newValues is null || newValues.Except(oldValues).Any()))
        {
            var added = newValues is null ? "any value" : string.Join(", ", newValues.Except(oldValues));
            Report(anchor, $"{what} may now be {added}");
        }
    }

    private void CompareConstraints(JsonObject anchor, JsonObject oldSchema, JsonObject newSchema, string what)
    {
        foreach (string keyword in new[] { "minLength", "minItems", "minimum", "exclusiveMinimum" })
        {
            double? before = Number(oldSchema, keyword), after = Number(newSchema, keyword);
            if (after is not null && (before is null || after > before))
            {
                Report(anchor, $"{what} has a larger {keyword} ({Show(before)} before, {Show(after)} now)");
            }
        }

        foreach (string keyword in new[] { "maxLength", "maxItems", "maximum", "exclusiveMaximum" })
        {
            double? before = Number(oldSchema, keyword), after = Number(newSchema, keyword);
            if (after is not null && (before is null || after < before))
            {
                Report(anchor, $"{what} has a smaller {keyword} ({Show(before)} before, {Show(after)} now)");
            }
        }

        foreach (string keyword in new[] { "pattern", "format" })
        {
            string? before = oldSchema.GetString(keyword), after = newSchema.GetString(keyword);
            if (after is not null && after != before)
            {
                Report(anchor, $"{what} has {(before is null ? "a new" : "another")} {keyword} '{after}'");
            }
        }
    }

    /// <summary>A schema with its reference resolved and its null alternative taken out.</summary>
    private static (JsonObject? Schema, bool Nullable, string? Reference) Unwrap(JsonObject document, JsonObject schema)
    {
        bool nullable = false;
        if (schema.GetArray("oneOf") is { Items.Count: 2 } oneOf
            && oneOf.Items.FirstOrDefault(static i => (i as JsonObject)?.GetString("type") == "null") is { } nullBranch)
        {
            nullable = true;
            schema = oneOf.Items.First(i => i != nullBranch) as JsonObject ?? schema;
        }

        nullable |= schema.GetArray("type")?.Items.Any(static t => (t as JsonString)?.Value == "null") == true;
        string? reference = schema.GetString("$ref");
        if (reference is not null)
        {
            return (Resolve(document, reference) as JsonObject, nullable, reference);
        }

        return (schema, nullable, null);
    }

    private static HashSet<string> Types(JsonObject schema)
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        switch (schema["type"])
        {
            case JsonString single:
                types.Add(single.Value);
                break;
            case JsonArray several:
                types.UnionWith(several.Items.OfType<JsonString>().Select(static t => t.Value));
                break;
        }

        types.Remove("null");
        return types;
    }

    private static HashSet<string> RequiredOf(JsonObject schema) =>
        new(schema.GetArray("required")?.Items.OfType<JsonString>().Select(static s => s.Value) ?? [], StringComparer.Ordinal);

    private static double? Number(JsonObject schema, string keyword) => (schema[keyword] as JsonNumber)?.Value;

    private static string Show(double? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "none";

    /// <summary>The node a local reference (<c>#/a/b</c>, RFC 6901 escapes) points to; null when it points nowhere.</summary>
    private static JsonNode? Resolve(JsonObject document, string? reference)
    {
        if (reference is null || !reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        JsonNode? node = document;
        foreach (var part in reference.Substring(2).Split('/'))
        {
            node = (node as JsonObject)?[part.Replace("~1", "/").Replace("~0", "~")];
        }

        return node;
    }

    private static string NormalizedAddress(JsonNode channel)
    {
        string address = (channel as JsonObject)?.GetString("address") ?? "";
        var builder = new System.Text.StringBuilder(address.Length);
        bool inParameter = false;
        foreach (char c in address)
        {
            if (c == '{')
            {
                inParameter = true;
                builder.Append("{}");
            }
            else if (c == '}')
            {
                inParameter = false;
            }
            else if (!inParameter)
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private void Report(JsonNode where, string message)
    {
        if (!_found.Any(f => f.Message == message))
        {
            _found.Add(new BreakingChange(message, where));
        }
    }
}
