using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Parsing;

/// <summary>
/// What a <c>JsonSerializerContext</c>'s <c>[JsonSourceGenerationOptions]</c> says about the JSON its metadata writes,
/// at compile time: the naming policy (or <c>JsonSerializerDefaults.Web</c>'s camel case), applied the way
/// <c>JsonNamingPolicy.CamelCase</c>, <c>SnakeCaseLower</c> and the others convert a name, whether enums are strings,
/// and whether fields are included. These are the options that change a payload's shape; the rest (indentation,
/// encoders) do not. The AsyncAPI document's schemas and the typed clients both name members here, so they agree
/// with each other and with the server; a test checks each policy against System.Text.Json's own.
/// </summary>
internal sealed class JsonNaming
{
    // System.Text.Json.Serialization.JsonKnownNamingPolicy's values.
    private const int CamelCase = 1;
    private const int SnakeCaseLower = 2;
    private const int SnakeCaseUpper = 3;
    private const int KebabCaseLower = 4;
    private const int KebabCaseUpper = 5;

    // JsonSerializerDefaults.Web.
    private const int WebDefaults = 1;

    private readonly int _policy;

    private JsonNaming(int policy, bool stringEnums, bool includeFields)
    {
        _policy = policy;
        StringEnums = stringEnums;
        IncludeFields = includeFields;
    }

    /// <summary>Whether the context writes every enum by name (<c>UseStringEnumConverter = true</c>).</summary>
    public bool StringEnums { get; }

    /// <summary>Whether the context serializes public fields too (<c>IncludeFields = true</c>).</summary>
    public bool IncludeFields { get; }

    /// <summary>The options of <paramref name="context"/>; defaults (names as declared, numeric enums) when it has none or is null.</summary>
    public static JsonNaming Of(INamedTypeSymbol? context)
    {
        int policy = 0;
        bool strings = false;
        bool fields = false;
        var options = context?.GetAttributes().FirstOrDefault(a =>
            a.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonSourceGenerationOptionsAttribute");
        if (options is not null)
        {
            if (options.ConstructorArguments.Length == 1 && options.ConstructorArguments[0].Value is int defaults && defaults == WebDefaults)
            {
                policy = CamelCase;
            }

            foreach (var named in options.NamedArguments)
            {
                switch (named.Key)
                {
                    case "PropertyNamingPolicy" when named.Value.Value is int value:
                        policy = value;
                        break;
                    case "UseStringEnumConverter" when named.Value.Value is bool value:
                        strings = value;
                        break;
                    case "IncludeFields" when named.Value.Value is bool value:
                        fields = value;
                        break;
                }
            }
        }

        return new JsonNaming(policy, strings, fields);
    }

    /// <summary>The JSON name of a member called <paramref name="name"/> in C#, under the policy.</summary>
    public string Convert(string name) => _policy switch
    {
        CamelCase => ToCamelCase(name),
        SnakeCaseLower => ToSeparated(name, '_', lowercase: true),
        SnakeCaseUpper => ToSeparated(name, '_', lowercase: false),
        KebabCaseLower => ToSeparated(name, '-', lowercase: true),
        KebabCaseUpper => ToSeparated(name, '-', lowercase: false),
        _ => name,
    };

    // JsonCamelCaseNamingPolicy: lower the leading run of capitals, except the last one of a run followed by a
    // lowercase letter ("URLValue" is "urlValue", "ID" is "id").
    internal static string ToCamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        char[] chars = name.ToCharArray();
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

    // JsonSeparatorNamingPolicy: a separator where a capital follows a lowercase letter, a digit or a space, and
    // before the last capital of a run that a lowercase letter follows ("XMLReader" is "xml_reader"); spaces at
    // the ends are dropped, others become separators; any other character is kept and starts a new word.
    internal static string ToSeparated(string name, char separator, bool lowercase)
    {
        var result = new StringBuilder(name.Length + 4);
        var state = SeparatorState.NotStarted;
        for (int i = 0; i < name.Length; i++)
        {
            char current = name[i];
            switch (char.GetUnicodeCategory(current))
            {
                case UnicodeCategory.UppercaseLetter:
                    if (state is SeparatorState.LowercaseLetterOrDigit or SeparatorState.SpaceSeparator
                        || (state == SeparatorState.UppercaseLetter && i + 1 < name.Length && char.IsLower(name[i + 1])))
                    {
                        result.Append(separator);
                    }

                    result.Append(lowercase ? char.ToLowerInvariant(current) : current);
                    state = SeparatorState.UppercaseLetter;
                    break;
                case UnicodeCategory.LowercaseLetter:
                case UnicodeCategory.DecimalDigitNumber:
                    if (state == SeparatorState.SpaceSeparator)
                    {
                        result.Append(separator);
                    }

                    result.Append(!lowercase && char.IsLower(current) ? char.ToUpperInvariant(current) : current);
                    state = SeparatorState.LowercaseLetterOrDigit;
                    break;
                case UnicodeCategory.SpaceSeparator:
                    if (state != SeparatorState.NotStarted)
                    {
                        state = SeparatorState.SpaceSeparator;
                    }

                    break;
                default:
                    result.Append(current);
                    state = SeparatorState.NotStarted;
                    break;
            }
        }

        return result.ToString();
    }

    private enum SeparatorState
    {
        NotStarted,
        UppercaseLetter,
        LowercaseLetterOrDigit,
        SpaceSeparator,
    }
}
