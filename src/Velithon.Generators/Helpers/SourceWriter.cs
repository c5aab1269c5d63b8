using System;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Velithon.Generators.Helpers;

/// <summary>A minimal indented text writer for generated C# (four spaces) and TypeScript (two).</summary>
internal sealed class SourceWriter(int spacesPerIndent = 4)
{
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public void Indent() => _indentation++;

    public void Unindent()
    {
        if (_indentation == 0)
        {
            throw new InvalidOperationException("Unindent without a matching Indent.");
        }

        _indentation--;
    }

    /// <summary>Writes <c>{</c> and indents.</summary>
    public void OpenBlock()
    {
        WriteLine("{");
        Indent();
    }

    /// <summary>Unindents and writes <c>}</c> followed by <paramref name="suffix"/>.</summary>
    public void CloseBlock(string suffix = "")
    {
        Unindent();
        WriteLine("}" + suffix);
    }

    public void WriteLine() => _builder.Append('\n');

    /// <summary>Writes each line of <paramref name="text"/> at the current indentation.</summary>
    public void WriteLine(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Length > 0)
            {
                _builder.Append(' ', _indentation * spacesPerIndent);
                _builder.Append(trimmed);
            }

            _builder.Append('\n');
        }
    }

    public SourceText ToSourceText() => SourceText.From(ToText(), Encoding.UTF8);

    /// <summary>The text written, checked to end at indentation 0.</summary>
    public string ToText()
    {
        if (_indentation != 0)
        {
            throw new InvalidOperationException($"The generated source ends at indentation {_indentation}, not 0.");
        }

        return _builder.ToString();
    }
}
