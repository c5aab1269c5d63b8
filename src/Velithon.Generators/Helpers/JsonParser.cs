using System;
using System.Globalization;
using System.Text;

namespace Velithon.Generators.Helpers;

/// <summary>
/// Parses JSON text (RFC 8259) into a <see cref="JsonNode"/> tree, recording where each value starts, so a breaking
/// change can be reported at the line of the approved document that it breaks.
/// </summary>
internal sealed class JsonParser
{
    private readonly string _text;
    private int _position;
    private int _line;
    private int _lineStart;

    private JsonParser(string text) => _text = text;

    /// <summary>Parses <paramref name="text"/>; on malformed text, returns null with the reason and its line and column (0-based).</summary>
    public static JsonNode? TryParse(string text, out string? error, out int errorLine, out int errorColumn)
    {
        var parser = new JsonParser(text);
        try
        {
            parser.SkipWhitespace();
            var value = parser.ParseValue(0);
            parser.SkipWhitespace();
            if (parser._position != text.Length)
            {
                throw Error("unexpected text after the JSON value");
            }

            error = null;
            errorLine = errorColumn = 0;
            return value;
        }
        catch (FormatException exception)
        {
            error = exception.Message;
            errorLine = parser._line;
            errorColumn = parser._position - parser._lineStart;
            return null;
        }
    }

    private JsonNode ParseValue(int depth)
    {
        if (depth > 256)
        {
            throw Error("the JSON is nested too deeply");
        }

        if (_position >= _text.Length)
        {
            throw Error("the JSON ends too early");
        }

        int line = _line, column = _position - _lineStart, offset = _position;
        JsonNode value = _text[_position] switch
        {
            '{' => ParseObject(depth),
            '[' => ParseArray(depth),
            '"' => new JsonString(ParseString()),
            't' => Literal("true", new JsonBool(true)),
            'f' => Literal("false", new JsonBool(false)),
            'n' => Literal("null", new JsonNull()),
            _ => ParseNumber(),
        };
        value.Line = line;
        value.Column = column;
        value.Offset = offset;
        return value;
    }

    private JsonObject ParseObject(int depth)
    {
        var result = new JsonObject();
        _position++;
        SkipWhitespace();
        if (Peek() == '}')
        {
            _position++;
            return result;
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Error("expected a property name");
            }

            string name = ParseString();
            SkipWhitespace();
            Expect(':');
            SkipWhitespace();
            result.Set(name, ParseValue(depth + 1));
            SkipWhitespace();
            if (Peek() == ',')
            {
                _position++;
                continue;
            }

            Expect('}');
            return result;
        }
    }

    private JsonArray ParseArray(int depth)
    {
        var result = new JsonArray();
        _position++;
        SkipWhitespace();
        if (Peek() == ']')
        {
            _position++;
            return result;
        }

        while (true)
        {
            SkipWhitespace();
            result.Add(ParseValue(depth + 1));
            SkipWhitespace();
            if (Peek() == ',')
            {
                _position++;
                continue;
            }

            Expect(']');
            return result;
        }
    }

    private string ParseString()
    {
        _position++;
        var builder = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error("a string is not closed");
            }

            char c = _text[_position++];
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c < 0x20)
            {
                throw Error("a string holds a control character");
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            char escaped = Peek();
            _position++;
            switch (escaped)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _text.Length
                        || !int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                    {
                        throw Error("a \\u escape needs four hexadecimal digits");
                    }

                    builder.Append((char)code);
                    _position += 4;
                    break;
                default:
                    throw Error("a string has an unknown escape");
            }
        }
    }

    private JsonNumber ParseNumber()
    {
        int start = _position;
        while (_position < _text.Length && "+-0123456789.eE".IndexOf(_text[_position]) >= 0)
        {
            _position++;
        }

        string text = _text.Substring(start, _position - start);
        if (text.Length == 0 || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            _position = start;
            throw Error("expected a JSON value");
        }

        return new JsonNumber(text);
    }

    private JsonNode Literal(string word, JsonNode value)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0)
        {
            throw Error("expected a JSON value");
        }

        _position += word.Length;
        return value;
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw Error($"expected '{c}'");
        }

        _position++;
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (c == '\n')
            {
                _line++;
                _lineStart = _position + 1;
            }
            else if (c is not (' ' or '\t' or '\r'))
            {
                return;
            }

            _position++;
        }
    }

    private static FormatException Error(string message) => new(message);
}
