using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Velithon.Generators.Helpers;

/// <summary>
/// A JSON value (RFC 8259) the AsyncAPI document is built from and compared with: objects keep their members in
/// insertion order, so the same model always writes the same text. The generator runs on netstandard2.0 inside the
/// compiler, where System.Text.Json is not a dependency it can count on, so it has this small tree of its own.
/// </summary>
internal abstract class JsonNode
{
    /// <summary>Where the value starts in the text it was parsed from (0-based line and column); -1 when built in code.</summary>
    public int Line { get; set; } = -1;

    public int Column { get; set; } = -1;

    /// <summary>Where the value starts, as a character offset; -1 when built in code.</summary>
    public int Offset { get; set; } = -1;

    /// <summary>The compact text, the canonical form the contract version hashes.</summary>
    public string ToCompactString()
    {
        var builder = new StringBuilder();
        Write(builder, indent: null, depth: 0);
        return builder.ToString();
    }

    /// <summary>The text indented by two spaces, with <c>\n</c> line ends, as the document is published.</summary>
    public string ToIndentedString()
    {
        var builder = new StringBuilder();
        Write(builder, indent: "  ", depth: 0);
        return builder.ToString();
    }

    internal abstract void Write(StringBuilder builder, string? indent, int depth);

    /// <summary>
    /// <paramref name="value"/> as a JSON string (RFC 8259 section 7), as <see cref="WriteString"/> writes it: for a
    /// JavaScript literal, a doc comment or a raw string constant of generated C#.
    /// </summary>
    internal static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        WriteString(builder, value);
        return builder.ToString();
    }

    /// <summary>
    /// Writes <paramref name="value"/> as a JSON string: <c>"</c>, <c>\</c> and control characters escaped; every
    /// character C# reads as a line break (U+0085, U+2028, U+2029 beside CR and LF) escaped too, since the text is put
    /// in <c>///</c> lines and raw string constants of generated C#, where one would end the line; and <c>/</c> after
    /// <c>*</c> or <c>&lt;</c>, so the text never closes a comment or an HTML script element around it.
    /// </summary>
    internal static void WriteString(StringBuilder builder, string value)
    {
        builder.Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '/' when i > 0 && (value[i - 1] == '*' || value[i - 1] == '<'): builder.Append("\\/"); break;
                default:
                    if (c < 0x20 || c is '\u0085' or '\u2028' or '\u2029')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    protected static void NewLine(StringBuilder builder, string? indent, int depth)
    {
        if (indent is null)
        {
            return;
        }

        builder.Append('\n');
        for (int i = 0; i < depth; i++)
        {
            builder.Append(indent);
        }
    }
}

/// <summary>A JSON object whose members keep their order.</summary>
internal sealed class JsonObject : JsonNode
{
    private readonly List<KeyValuePair<string, JsonNode>> _members = new();

    public IReadOnlyList<KeyValuePair<string, JsonNode>> Members => _members;

    public int Count => _members.Count;

    /// <summary>The member named <paramref name="name"/>; null when there is none.</summary>
    public JsonNode? this[string name]
    {
        get
        {
            foreach (var member in _members)
            {
                if (member.Key == name)
                {
                    return member.Value;
                }
            }

            return null;
        }
    }

    /// <summary>Adds a member, or replaces the value of one with the same name in place.</summary>
    public JsonObject Set(string name, JsonNode value)
    {
        for (int i = 0; i < _members.Count; i++)
        {
            if (_members[i].Key == name)
            {
                _members[i] = new KeyValuePair<string, JsonNode>(name, value);
                return this;
            }
        }

        _members.Add(new KeyValuePair<string, JsonNode>(name, value));
        return this;
    }

    public JsonObject Set(string name, string value) => Set(name, new JsonString(value));

    public JsonObject Set(string name, long value) => Set(name, JsonNumber.From(value));

    public JsonObject Set(string name, bool value) => Set(name, new JsonBool(value));

    public bool Remove(string name) => _members.RemoveAll(m => m.Key == name) > 0;

    public string? GetString(string name) => (this[name] as JsonString)?.Value;

    public JsonObject? GetObject(string name) => this[name] as JsonObject;

    public JsonArray? GetArray(string name) => this[name] as JsonArray;

    internal override void Write(StringBuilder builder, string? indent, int depth)
    {
        if (_members.Count == 0)
        {
            builder.Append("{}");
            return;
        }

        builder.Append('{');
        for (int i = 0; i < _members.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            NewLine(builder, indent, depth + 1);
            WriteString(builder, _members[i].Key);
            builder.Append(indent is null ? ":" : ": ");
            _members[i].Value.Write(builder, indent, depth + 1);
        }

        NewLine(builder, indent, depth);
        builder.Append('}');
    }
}

/// <summary>A JSON array.</summary>
internal sealed class JsonArray : JsonNode
{
    public JsonArray(params JsonNode[] items) => Items.AddRange(items);

    public List<JsonNode> Items { get; } = new();

    public JsonArray Add(JsonNode item)
    {
        Items.Add(item);
        return this;
    }

    internal override void Write(StringBuilder builder, string? indent, int depth)
    {
        if (Items.Count == 0)
        {
            builder.Append("[]");
            return;
        }

        // Arrays of plain values stay on one line: enums and required lists read better that way.
        bool flat = Items.TrueForAll(static i => i is not (JsonObject or JsonArray));
        builder.Append('[');
        for (int i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(flat && indent is not null ? ", " : ",");
            }

            if (!flat)
            {
                NewLine(builder, indent, depth + 1);
            }

            Items[i].Write(builder, indent, depth + 1);
        }

        if (!flat)
        {
            NewLine(builder, indent, depth);
        }

        builder.Append(']');
    }
}

internal sealed class JsonString(string value) : JsonNode
{
    public string Value { get; } = value;

    internal override void Write(StringBuilder builder, string? indent, int depth) => WriteString(builder, Value);
}

/// <summary>A number, kept as its text so that a parsed document compares by value and writes back as it was.</summary>
internal sealed class JsonNumber(string text) : JsonNode
{
    public string Text { get; } = text;

    public double Value => double.Parse(Text, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static JsonNumber From(long value) => new(value.ToString(CultureInfo.InvariantCulture));

    public static JsonNumber From(double value) =>
        new(value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture));

    internal override void Write(StringBuilder builder, string? indent, int depth) => builder.Append(Text);
}

internal sealed class JsonBool(bool value) : JsonNode
{
    public bool Value { get; } = value;

    internal override void Write(StringBuilder builder, string? indent, int depth) => builder.Append(Value ? "true" : "false");
}

internal sealed class JsonNull : JsonNode
{
    internal override void Write(StringBuilder builder, string? indent, int depth) => builder.Append("null");
}
