using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Generators.Helpers;

namespace Velithon.Generators.Parsing;

/// <summary>
/// The JSON Schema (draft 07, the base of AsyncAPI 3.0's schema format) of a C# type as its source-generated
/// <c>JsonTypeInfo</c> reads and writes it: property names by <c>[JsonPropertyName]</c> or the context's naming policy,
/// <c>[JsonIgnore]</c>d properties left out, nullable annotations as <c>null</c> in the type, enums as numbers (or
/// names with a string enum converter), collections as arrays, dictionaries as objects, and the constraints of the
/// DataAnnotations that have a JSON Schema keyword. Classes, records and structs become named schemas under
/// <c>#/components/schemas/</c>, so a type used twice, or itself, is written once.
/// </summary>
/// <remarks>
/// A property is required when a client must send it: a positional record parameter without a default value, a
/// <c>required</c> member, <c>[JsonRequired]</c> or <c>[Required]</c>. The server always writes every property it
/// does not ignore, so for what it sends "required" is a floor, not the whole truth.
/// </remarks>
internal sealed class JsonSchemaBuilder
{
    public const string SchemaRefPrefix = "#/components/schemas/";
    private const string DataAnnotations = "System.ComponentModel.DataAnnotations.";
    private const string JsonSerialization = "System.Text.Json.Serialization.";

    private readonly JsonNaming _naming;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<ITypeSymbol, string> _names = new(SymbolEqualityComparer.Default);
    private readonly HashSet<string> _takenNames = new(StringComparer.Ordinal);

    public JsonSchemaBuilder(JsonNaming naming, CancellationToken cancellationToken)
    {
        _naming = naming;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The named schemas the built schemas refer to, by name, in the order they were first needed.</summary>
    public List<KeyValuePair<string, JsonObject>> Named { get; } = new();

    /// <summary>The schema of <paramref name="type"/>, whose nullability comes from its annotation.</summary>
    public JsonObject Build(ITypeSymbol type) => Build(type, IsNullable(type), null);

    /// <summary>The schema of a value of <paramref name="type"/>, with the constraints of <paramref name="attributes"/>.</summary>
    public JsonObject Build(ITypeSymbol type, bool nullable, IEnumerable<AttributeData>? attributes)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } wrapper)
        {
            return Build(wrapper.TypeArguments[0], nullable: true, attributes);
        }

        var schema = Core(type, attributes);
        if (attributes is not null)
        {
            ApplyConstraints(schema, type, attributes);
        }

        return nullable ? AllowNull(schema) : schema;
    }

    /// <summary>Whether a value of <paramref name="type"/> may be null: a nullable value type, or a reference type not annotated as non-null.</summary>
    public static bool IsNullable(ITypeSymbol type) =>
        type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
        || (type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.NotAnnotated);

    private JsonObject Core(ITypeSymbol type, IEnumerable<AttributeData>? attributes)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_String:
                return Type("string");
            case SpecialType.System_Char:
                return Type("string").Set("minLength", 1).Set("maxLength", 1);
            case SpecialType.System_Boolean:
                return Type("boolean");
            case SpecialType.System_Byte:
                return Integer(0, byte.MaxValue);
            case SpecialType.System_SByte:
                return Integer(sbyte.MinValue, sbyte.MaxValue);
            case SpecialType.System_Int16:
                return Integer(short.MinValue, short.MaxValue);
            case SpecialType.System_UInt16:
                return Integer(0, ushort.MaxValue);
            case SpecialType.System_Int32:
                return Type("integer").Set("format", "int32");
            case SpecialType.System_UInt32:
                return Integer(0, uint.MaxValue);
            case SpecialType.System_Int64:
                return Type("integer").Set("format", "int64");
            case SpecialType.System_UInt64:
                return Type("integer").Set("minimum", 0);
            case SpecialType.System_Single:
                return Type("number").Set("format", "float");
            case SpecialType.System_Double:
                return Type("number").Set("format", "double");
            case SpecialType.System_Decimal:
                return Type("number");
            case SpecialType.System_DateTime:
                return Type("string").Set("format", "date-time");
            case SpecialType.System_Object:
                return new JsonObject();
        }

        switch (FullName(type))
        {
            case "System.Guid":
                return Type("string").Set("format", "uuid");
            case "System.DateTimeOffset":
                return Type("string").Set("format", "date-time");
            case "System.DateOnly":
                return Type("string").Set("format", "date");
            case "System.TimeOnly":
                return Type("string").Set("format", "time");
            case "System.TimeSpan":
                // "c" format, [-][d.]hh:mm:ss[.fffffff]: not ISO 8601's duration, so no format keyword.
                return Type("string").Set("pattern", "^-?(\\d+\\.)?\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?$");
            case "System.Uri":
                return Type("string").Set("format", "uri-reference");
            case "System.Version":
                return Type("string");
            case "System.Int128":
            case "System.UInt128":
                return Type("integer");
            case "System.Half":
                return Type("number");
            case "System.Text.Json.JsonElement":
            case "System.Text.Json.JsonDocument":
            case "System.Text.Json.Nodes.JsonNode":
                return new JsonObject();
            case "System.Text.Json.Nodes.JsonObject":
                return Type("object");
            case "System.Text.Json.Nodes.JsonArray":
                return Type("array");
        }

        if (type is IArrayTypeSymbol array)
        {
            return array.ElementType.SpecialType == SpecialType.System_Byte
                ? Type("string").Set("contentEncoding", "base64")
                : Type("array").Set("items", Build(array.ElementType));
        }

        if (type.TypeKind == TypeKind.Enum && type is INamedTypeSymbol enumType)
        {
            return Enum(enumType, attributes);
        }

        if (type is INamedTypeSymbol named)
        {
            if (DictionaryValue(named) is { } value)
            {
                return Type("object").Set("additionalProperties", Build(value));
            }

            if (ElementType(named) is { } element)
            {
                return Type("array").Set("items", Build(element));
            }

            if (type.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Interface)
            {
                return new JsonObject().Set("$ref", SchemaRefPrefix + Name(named));
            }
        }

        // A type parameter, a pointer or a delegate: nothing a payload can hold, so any value.
        return new JsonObject();
    }

    private JsonObject Enum(INamedTypeSymbol type, IEnumerable<AttributeData>? attributes)
    {
        var members = type.GetMembers().OfType<IFieldSymbol>().Where(static f => f.HasConstantValue).ToList();
        bool asStrings = _naming.StringEnums
            || HasStringEnumConverter(type.GetAttributes())
            || (attributes is not null && HasStringEnumConverter(attributes));
        if (asStrings)
        {
            var names = new JsonArray();
            foreach (var member in members)
            {
                var renamed = member.GetAttributes().FirstOrDefault(static a => a.AttributeClass?.ToDisplayString() == JsonSerialization + "JsonStringEnumMemberNameAttribute");
                names.Add(new JsonString(renamed?.ConstructorArguments.FirstOrDefault().Value as string ?? member.Name));
            }

            return Type("string").Set("enum", names);
        }

        var values = new JsonArray();
        foreach (var member in members)
        {
            values.Add(new JsonNumber(System.Convert.ToString(member.ConstantValue, CultureInfo.InvariantCulture)!));
        }

        return Type("integer").Set("enum", values)
            .Set("description", string.Join(", ", members.Select(static m => m.Name + " = " + System.Convert.ToString(m.ConstantValue, CultureInfo.InvariantCulture))));
    }

    private static bool HasStringEnumConverter(IEnumerable<AttributeData> attributes) =>
        attributes.Any(static a => a.AttributeClass?.ToDisplayString() == JsonSerialization + "JsonConverterAttribute"
            && a.ConstructorArguments.FirstOrDefault().Value is INamedTypeSymbol converter
            && converter.Name == "JsonStringEnumConverter");

    /// <summary>The name of <paramref name="type"/>'s schema, building it the first time.</summary>
    private string Name(INamedTypeSymbol type)
    {
        type = (INamedTypeSymbol)type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        if (_names.TryGetValue(type, out var existing))
        {
            return existing;
        }

        string name = SchemaName(type);
        for (int suffix = 2; !_takenNames.Add(name); suffix++)
        {
            name = SchemaName(type) + suffix.ToString(CultureInfo.InvariantCulture);
        }

        _names.Add(type, name);
        var schema = Type("object");
        var entry = new KeyValuePair<string, JsonObject>(name, schema);
        Named.Add(entry);
        FillObject(schema, type);
        return name;
    }

    /// <summary><c>Page&lt;BoardTask&gt;</c> as <c>PageOfBoardTask</c>: component names allow letters, digits, '.', '-' and '_' (AsyncAPI 3.0, Components Object).</summary>
    private static string SchemaName(INamedTypeSymbol type)
    {
        string name = type.Name;
        if (type.TypeArguments.Length > 0)
        {
            name += "Of" + string.Join("And", type.TypeArguments.Select(static a => a is INamedTypeSymbol n ? SchemaName(n) : a.Name));
        }

        return new string(name.Where(static c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.').ToArray());
    }

    private void FillObject(JsonObject schema, INamedTypeSymbol type)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var chain = new List<INamedTypeSymbol>();
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object && current.SpecialType != SpecialType.System_ValueType; current = current.BaseType)
        {
            chain.Insert(0, current);
        }

        // The most derived declaration of a name wins (a 'new' property hides its base's).
        var declared = new List<IPropertySymbol>();
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            foreach (var property in chain[i].GetMembers().OfType<IPropertySymbol>())
            {
                if (seen.Add(property.Name))
                {
                    declared.Add(property);
                }
            }
        }

        foreach (var property in declared.OrderBy(p => chain.IndexOf(p.ContainingType)))
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (!IsSerialized(property, out bool omittedWhenDefault))
            {
                continue;
            }

            var parameter = PositionalParameter(property);
            var attributes = property.GetAttributes().Concat(parameter?.GetAttributes() ?? []).ToList();
            string name = attributes
                .FirstOrDefault(static a => a.AttributeClass?.ToDisplayString() == JsonSerialization + "JsonPropertyNameAttribute")
                ?.ConstructorArguments.FirstOrDefault().Value as string
                ?? _naming.Convert(property.Name);

            var propertySchema = Build(property.Type, IsNullable(property.Type), attributes);
            if (parameter is { HasExplicitDefaultValue: true } && DefaultValue(parameter.ExplicitDefaultValue) is { } defaultValue)
            {
                propertySchema.Set("default", defaultValue);
            }

            properties.Set(name, propertySchema);
            bool isRequired = !omittedWhenDefault
                && (property.IsRequired
                    || (parameter is not null && !parameter.HasExplicitDefaultValue)
                    || attributes.Any(static a => a.AttributeClass?.ToDisplayString() is JsonSerialization + "JsonRequiredAttribute" or DataAnnotations + "RequiredAttribute"));
            if (isRequired)
            {
                required.Add(new JsonString(name));
            }
        }

        schema.Set("properties", properties);
        if (required.Items.Count > 0)
        {
            schema.Set("required", required);
        }
    }

    /// <summary>Whether System.Text.Json's metadata reads and writes <paramref name="property"/>.</summary>
    internal static bool IsSerialized(IPropertySymbol property, out bool omittedWhenDefault)
    {
        omittedWhenDefault = false;
        if (property.IsStatic || property.IsIndexer || property.GetMethod is null)
        {
            return false;
        }

        var attributes = property.GetAttributes();
        bool included = attributes.Any(static a => a.AttributeClass?.ToDisplayString() == JsonSerialization + "JsonIncludeAttribute");
        if (!included && (property.DeclaredAccessibility != Accessibility.Public || property.GetMethod.DeclaredAccessibility != Accessibility.Public))
        {
            return false;
        }

        var ignore = attributes.FirstOrDefault(static a => a.AttributeClass?.ToDisplayString() == JsonSerialization + "JsonIgnoreAttribute");
        if (ignore is null)
        {
            return true;
        }

        // JsonIgnoreCondition: Never 0, Always 1, WhenWritingDefault 2, WhenWritingNull 3, WhenWriting 4, WhenReading 5.
        int condition = ignore.NamedArguments.FirstOrDefault(static a => a.Key == "Condition").Value.Value is int c ? c : 1;
        omittedWhenDefault = condition is 2 or 3 or 4;
        return condition != 1;
    }

    /// <summary>The primary constructor parameter that declared a positional record property; null for any other property.</summary>
    public static IParameterSymbol? PositionalParameter(IPropertySymbol property)
    {
        if (!property.ContainingType.IsRecord
            || property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not ParameterSyntax declaration)
        {
            return null;
        }

        foreach (var constructor in property.ContainingType.InstanceConstructors)
        {
            foreach (var parameter in constructor.Parameters)
            {
                if (parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() == declaration)
                {
                    return parameter;
                }
            }
        }

        return null;
    }

    private static JsonNode? DefaultValue(object? value) => value switch
    {
        null => new JsonNull(),
        string text => new JsonString(text),
        bool flag => new JsonBool(flag),
        char c => new JsonString(c.ToString()),
        float or double => System.Convert.ToDouble(value, CultureInfo.InvariantCulture) is var number && !double.IsNaN(number) && !double.IsInfinity(number)
            ? JsonNumber.From(number)
            : null,
        decimal or IConvertible => new JsonNumber(System.Convert.ToString(value, CultureInfo.InvariantCulture)!),
        _ => null,
    };

    /// <summary>The JSON Schema keywords of the DataAnnotations that have one (the rest are checked by the server alone).</summary>
    private static void ApplyConstraints(JsonObject schema, ITypeSymbol type, IEnumerable<AttributeData> attributes)
    {
        bool isString = schema.GetString("type") == "string";
        bool isArray = schema.GetString("type") == "array";
        foreach (var attribute in attributes)
        {
            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name is null || !name.StartsWith(DataAnnotations, StringComparison.Ordinal))
            {
                continue;
            }

            var arguments = attribute.ConstructorArguments;
            object? Named(string key) => attribute.NamedArguments.FirstOrDefault(a => a.Key == key).Value.Value;
            switch (name.Substring(DataAnnotations.Length))
            {
                case "RequiredAttribute" when isString && Named("AllowEmptyStrings") is not true:
                    Raise(schema, "minLength", 1);
                    break;
                case "StringLengthAttribute" when isString && arguments.Length == 1:
                    schema.Set("maxLength", System.Convert.ToInt64(arguments[0].Value, CultureInfo.InvariantCulture));
                    if (Named("MinimumLength") is int minimum && minimum > 0)
                    {
                        Raise(schema, "minLength", minimum);
                    }

                    break;
                case "MinLengthAttribute" when arguments.Length == 1 && arguments[0].Value is int min:
                    Raise(schema, isArray ? "minItems" : "minLength", min);
                    break;
                case "MaxLengthAttribute" when arguments.Length == 1 && arguments[0].Value is int max && max >= 0:
                    schema.Set(isArray ? "maxItems" : "maxLength", max);
                    break;
                case "LengthAttribute" when arguments.Length == 2 && arguments[0].Value is int from && arguments[1].Value is int to:
                    Raise(schema, isArray ? "minItems" : "minLength", from);
                    schema.Set(isArray ? "maxItems" : "maxLength", to);
                    break;
                case "RangeAttribute":
                    ApplyRange(schema, attribute);
                    break;
                case "RegularExpressionAttribute" when arguments.Length == 1 && arguments[0].Value is string pattern:
                    // RegularExpressionAttribute accepts a value only when the match is the whole value; JSON Schema's
                    // pattern matches anywhere, so the pattern is anchored at both ends.
                    schema.Set("pattern", IsAnchored(pattern) ? pattern : "^(?:" + pattern + ")$");
                    break;
                case "EmailAddressAttribute" when isString:
                    schema.Set("format", "email");
                    break;
                case "UrlAttribute" when isString:
                    schema.Set("format", "uri");
                    break;
                case "Base64StringAttribute" when isString:
                    schema.Set("contentEncoding", "base64");
                    break;
                case "AllowedValuesAttribute" when arguments.Length == 1:
                    if (Values(arguments[0]) is { } allowed)
                    {
                        schema.Set("enum", allowed);
                    }

                    break;
                case "DeniedValuesAttribute" when arguments.Length == 1:
                    if (Values(arguments[0]) is { } denied)
                    {
                        schema.Set("not", new JsonObject().Set("enum", denied));
                    }

                    break;
            }
        }
    }

    /// <summary>Whether a pattern already matches whole values: it starts with '^' and ends with an unescaped '$'.</summary>
    private static bool IsAnchored(string pattern) =>
        pattern.Length >= 2 && pattern[0] == '^' && pattern[pattern.Length - 1] == '$' && pattern[pattern.Length - 2] != '\\'
        && (pattern.IndexOf('|') < 0 || (pattern.Length > 3 && pattern[1] == '(' && pattern[pattern.Length - 2] == ')'));

    private static void ApplyRange(JsonObject schema, AttributeData attribute)
    {
        var arguments = attribute.ConstructorArguments;
        double? minimum = null, maximum = null;
        if (arguments.Length == 2)
        {
            minimum = ToDouble(arguments[0].Value);
            maximum = ToDouble(arguments[1].Value);
        }
        else if (arguments.Length == 3 && arguments[0].Value is ITypeSymbol { SpecialType: >= SpecialType.System_SByte and <= SpecialType.System_Double })
        {
            minimum = ToDouble(arguments[1].Value);
            maximum = ToDouble(arguments[2].Value);
        }

        bool Flag(string key) => attribute.NamedArguments.Any(a => a.Key == key && a.Value.Value is true);
        if (minimum is { } low && !double.IsInfinity(low))
        {
            schema.Set(Flag("MinimumIsExclusive") ? "exclusiveMinimum" : "minimum", JsonNumber.From(low));
        }

        if (maximum is { } high && !double.IsInfinity(high))
        {
            schema.Set(Flag("MaximumIsExclusive") ? "exclusiveMaximum" : "maximum", JsonNumber.From(high));
        }
    }

    private static double? ToDouble(object? value) => value switch
    {
        string text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : null,
        IConvertible => System.Convert.ToDouble(value, CultureInfo.InvariantCulture),
        _ => null,
    };

    private static JsonArray? Values(TypedConstant array)
    {
        if (array.Kind != TypedConstantKind.Array)
        {
            return null;
        }

        var values = new JsonArray();
        foreach (var item in array.Values)
        {
            if (DefaultValue(item.Value) is not { } value)
            {
                return null;
            }

            values.Add(value);
        }

        return values;
    }

    private static void Raise(JsonObject schema, string keyword, long value)
    {
        if (schema[keyword] is not JsonNumber existing || existing.Value < value)
        {
            schema.Set(keyword, value);
        }
    }

    /// <summary>A schema that also allows null: <c>"type": ["string", "null"]</c>, or <c>oneOf</c> around a reference.</summary>
    public static JsonObject AllowNull(JsonObject schema)
    {
        if (schema.Count == 0)
        {
            return schema;
        }

        if (schema["type"] is JsonString single)
        {
            schema.Set("type", new JsonArray(new JsonString(single.Value), new JsonString("null")));
            return schema;
        }

        return new JsonObject().Set("oneOf", new JsonArray(schema, Type("null")));
    }

    private static JsonObject Type(string type) => new JsonObject().Set("type", type);

    private static JsonObject Integer(long minimum, long maximum) => Type("integer").Set("minimum", minimum).Set("maximum", maximum);

    private static string FullName(ITypeSymbol type) =>
        type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + type.MetadataName : type.MetadataName;

    /// <summary>The value type of a dictionary keyed by strings (or by anything System.Text.Json writes as a property name).</summary>
    private static ITypeSymbol? DictionaryValue(INamedTypeSymbol type)
    {
        foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
        {
            string name = FullName(candidate.OriginalDefinition);
            if (name is "System.Collections.Generic.IDictionary`2" or "System.Collections.Generic.IReadOnlyDictionary`2" or "System.Collections.Generic.Dictionary`2")
            {
                return candidate.TypeArguments[1];
            }
        }

        return null;
    }

    /// <summary>The element type of a collection (not a string).</summary>
    private static ITypeSymbol? ElementType(INamedTypeSymbol type)
    {
        foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
        {
            if (FullName(candidate.OriginalDefinition) == "System.Collections.Generic.IEnumerable`1")
            {
                return candidate.TypeArguments[0];
            }
        }

        return null;
    }
}
