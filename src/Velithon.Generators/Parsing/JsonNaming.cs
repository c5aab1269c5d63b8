using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Parsing;

/// <summary>
/// What a <c>JsonSerializerContext</c>'s <c>[JsonSourceGenerationOptions]</c> says about the JSON its metadata writes:
/// the property naming policy and whether enums are strings. These are the options that change a payload's shape;
/// the rest (indentation, encoders) do not.
/// </summary>
internal sealed class JsonNaming
{
    private readonly int _policy;

    private JsonNaming(int policy, bool stringEnums)
    {
        _policy = policy;
        StringEnums = stringEnums;
    }

    /// <summary>Whether enums are written as their names (<c>UseStringEnumConverter</c>).</summary>
    public bool StringEnums { get; }

    /// <summary>The options of <paramref name="context"/>; defaults (names as declared, numeric enums) when it has none.</summary>
    public static JsonNaming Of(INamedTypeSymbol? context)
    {
        var options = context?.GetAttributes().FirstOrDefault(static a =>
            a.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonSourceGenerationOptionsAttribute");
        if (options is null)
        {
            return new JsonNaming(0, false);
        }

        // JsonSerializerDefaults.Web (1) means camelCase names (JsonKnownNamingPolicy.CamelCase, 1).
        int policy = options.ConstructorArguments.Length == 1 && options.ConstructorArguments[0].Value is int defaults && defaults == 1 ? 1 : 0;
        bool stringEnums = false;
        foreach (var named in options.NamedArguments)
        {
            if (named.Key == "PropertyNamingPolicy" && named.Value.Value is int chosen)
            {
                policy = chosen;
            }
            else if (named.Key == "UseStringEnumConverter" && named.Value.Value is bool useStrings)
            {
                stringEnums = useStrings;
            }
        }

        return new JsonNaming(policy, stringEnums);
    }

    /// <summary>
    /// <paramref name="name"/> as the policy writes it: JsonKnownNamingPolicy's CamelCase (1), SnakeCaseLower (2),
    /// SnakeCaseUpper (3), KebabCaseLower (4), KebabCaseUpper (5), each as System.Text.Json's JsonNamingPolicy converts.
    /// </summary>
    public string Convert(string name) => _policy switch
    {
        1 => CamelCase(name),
        2 => Separated(name, '_', upper: false),
        3 => Separated(name, '_', upper: true),
        4 => Separated(name, '-', upper: false),
        5 => Separated(name, '-', upper: true),
        _ => name,
    };

    // JsonNamingPolicy.CamelCase: the leading run of capitals is lowered, except the last one when a lower-case letter
    // follows it ("URLValue" -> "urlValue", "ID" -> "id").
    private static string CamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            bool hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    // JsonNamingPolicy.SnakeCaseLower and its kin: a separator before a capital that follows a lower-case letter or a
    // digit, or that starts a word after a run of capitals ("XMLHttp" -> "xml_http"); spaces become one separator.
    private static string Separated(string name, char separator, bool upper)
    {
        var builder = new StringBuilder(name.Length + 4);
        int state = 0; // 0 start, 1 upper, 2 lower, 3 digit, 4 space
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (state is 2 or 3 or 4 || (state == 1 && nextIsLower))
                {
                    builder.Append(separator);
                }

                builder.Append(upper ? c : char.ToLowerInvariant(c));
                state = 1;
            }
            else if (char.IsLower(c) || char.IsDigit(c))
            {
                if (state == 4)
                {
                    builder.Append(separator);
                }

                builder.Append(upper ? char.ToUpperInvariant(c) : c);
                state = char.IsDigit(c) ? 3 : 2;
            }
            else if (c == ' ')
            {
                if (state != 0)
                {
                    state = 4;
                }
            }
            else
            {
                builder.Append(c);
                state = 0;
            }
        }

        return builder.ToString();
    }
}
