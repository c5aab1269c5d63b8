using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// The TypeScript types of a contract's JSON, as System.Text.Json writes and reads it: strings, numbers, booleans,
/// arrays, string-keyed records, enums (by name under a string enum converter, else by value), and one interface
/// per object type with its properties under their JSON names. Each object type reached from a case or a reply is
/// named once, numbered when two share a name.
/// </summary>
internal sealed class ClientTypes
{
    private readonly JsonNaming _naming;
    private readonly CancellationToken _cancellationToken;
    // By the type's fully qualified name, and "#name" for an enum written by name (it may be written by value elsewhere).
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    private readonly Queue<(INamedTypeSymbol Type, bool ByName, string Name)> _pending = new();
    private readonly List<ClientTypeSpec> _types = [];

    public ClientTypes(JsonNaming naming, CancellationToken cancellationToken)
    {
        _naming = naming;
        _cancellationToken = cancellationToken;

        // Names the module declares for its own use.
        _taken.UnionWith(["Connection", "ConnectOptions", "ReconnectOptions", "RequestOptions", "ContractError", "RequestTimeoutError", "ConnectionClosedError", "WebSocketLike", "WebSocketClass"]);
    }

    /// <summary>The named types met so far, described, ordered by name.</summary>
    public EquatableArray<ClientTypeSpec> Describe()
    {
        while (_pending.Count > 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var (type, byName, name) = _pending.Dequeue();
            _types.Add(DescribeNamed(type, byName, name));
        }

        return new EquatableArray<ClientTypeSpec>([.. _types.OrderBy(static t => t.TsName, StringComparer.Ordinal)]);
    }

    /// <summary>The TypeScript type of a value of <paramref name="type"/>; named types are queued for <see cref="Describe"/>.</summary>
    public string TypeOf(ITypeSymbol type, bool stringEnum = false)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            return TypeOf(nullable.TypeArguments[0], stringEnum) + " | null";
        }

        if (type.NullableAnnotation == NullableAnnotation.Annotated && type.IsReferenceType)
        {
            return TypeOf(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), stringEnum) + " | null";
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_String:
            case SpecialType.System_Char:
            case SpecialType.System_DateTime:
                return "string";
            case SpecialType.System_Boolean:
                return "boolean";
            case SpecialType.System_Byte:
            case SpecialType.System_SByte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Decimal:
                return "number";
            case SpecialType.System_Object:
                return "unknown";
        }

        if (type is IArrayTypeSymbol array)
        {
            // System.Text.Json writes a byte[] as a Base64 string.
            return array.ElementType.SpecialType == SpecialType.System_Byte ? "string" : Element(TypeOf(array.ElementType)) + "[]";
        }

        if (type is not INamedTypeSymbol named)
        {
            return "unknown";
        }

        string full = named.OriginalDefinition.ToDisplayString();
        switch (full)
        {
            case "System.Guid":
            case "System.DateTimeOffset":
            case "System.DateOnly":
            case "System.TimeOnly":
            case "System.TimeSpan":
            case "System.Uri":
            case "System.Version":
                return "string";
            case "System.Half":
            case "System.Int128":
            case "System.UInt128":
                return "number";
            case "System.Text.Json.JsonElement":
            case "System.Text.Json.JsonDocument":
            case "System.Text.Json.Nodes.JsonNode":
            case "System.Text.Json.Nodes.JsonObject":
            case "System.Text.Json.Nodes.JsonArray":
                return "unknown";
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            return Name(named, stringEnum || _naming.StringEnums || HasStringEnumConverter(named.GetAttributes()));
        }

        if (DictionaryValue(named) is { } value)
        {
            return "Record<string, " + TypeOf(value) + ">";
        }

        if (EnumerableElement(named) is { } element)
        {
            return Element(TypeOf(element)) + "[]";
        }

        if (named.TypeKind is TypeKind.Class or TypeKind.Struct && !named.IsAbstract)
        {
            return Name(named, stringEnum: false);
        }

        return "unknown";
    }

    private static string Element(string type) => type.Contains(" ") ? "(" + type + ")" : type;

    private string Name(INamedTypeSymbol type, bool stringEnum)
    {
        type = (INamedTypeSymbol)type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        bool byName = type.TypeKind == TypeKind.Enum && stringEnum;
        string full = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        string key = byName ? full + "#name" : full;
        if (_names.TryGetValue(key, out var name))
        {
            return name;
        }

        string wanted = BaseName(type) + (byName && _names.ContainsKey(full) ? "Name" : "");
        name = wanted;
        for (int suffix = 2; !_taken.Add(name); suffix++)
        {
            name = wanted + suffix;
        }

        _names.Add(key, name);
        _pending.Enqueue((type, byName, name));
        return name;
    }

    private static string BaseName(INamedTypeSymbol type)
    {
        string name = type.Name;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.Name + "_" + name;
        }

        foreach (var argument in type.TypeArguments)
        {
            name += "_" + (argument is INamedTypeSymbol n ? BaseName(n) : HandlerParser.ToIdentifier(argument.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
        }

        return name;
    }

    private ClientTypeSpec DescribeNamed(INamedTypeSymbol type, bool byName, string name)
    {
        string csharp = type.ToDisplayString();
        if (type.TypeKind == TypeKind.Enum)
        {
            var fields = type.GetMembers().OfType<IFieldSymbol>().Where(static f => f.HasConstantValue).ToList();
            string alias = byName
                ? string.Join(" | ", fields.Select(f => Quote(EnumMemberName(f))))
                : string.Join(" | ", fields.Select(static f => System.Convert.ToString(f.ConstantValue, System.Globalization.CultureInfo.InvariantCulture)).Distinct());
            return new ClientTypeSpec(name, csharp + (byName ? ", by name" : ", by value"), new EquatableArray<ClientPropertySpec>([]), alias.Length == 0 ? "never" : alias);
        }

        // Which members are written and which a client must send follow the AsyncAPI document's schemas
        // (JsonSchemaBuilder): the same rules, so the document and the clients describe one contract.
        var properties = new List<ClientPropertySpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                ITypeSymbol memberType;
                bool isRequired;
                List<AttributeData> attributes;
                switch (member)
                {
                    case IPropertySymbol property when JsonSchemaBuilder.IsSerialized(property, out bool omittedWhenDefault):
                        // A positional record property without a default must be sent; so must a required member.
                        var parameter = JsonSchemaBuilder.PositionalParameter(property);
                        memberType = property.Type;
                        attributes = [.. property.GetAttributes(), .. parameter?.GetAttributes() ?? []];
                        isRequired = !omittedWhenDefault && (property.IsRequired || parameter is { HasExplicitDefaultValue: false } || IsRequiredByAttribute(attributes));
                        break;
                    case IFieldSymbol { IsStatic: false, IsConst: false, IsImplicitlyDeclared: false } field
                        when field.DeclaredAccessibility == Accessibility.Public && _naming.IncludeFields || HasAttribute(field, "System.Text.Json.Serialization.JsonIncludeAttribute"):
                        if (IgnoredAlways(field))
                        {
                            continue;
                        }

                        memberType = field.Type;
                        attributes = [.. field.GetAttributes()];
                        isRequired = field.IsRequired || IsRequiredByAttribute(attributes);
                        break;
                    default:
                        continue;
                }

                // Overridden and hidden members are the most derived one's.
                if (!seen.Add(member.Name))
                {
                    continue;
                }

                string jsonName = attributes
                    .Where(static a => a.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonPropertyNameAttribute")
                    .Select(static a => a.ConstructorArguments.FirstOrDefault().Value as string)
                    .FirstOrDefault(static n => n is not null) ?? _naming.Convert(member.Name);

                // [Required] rejects null too, in the server's validation: the member is not nullable for a client.
                if (attributes.Any(static a => a.AttributeClass?.ToDisplayString() == "System.ComponentModel.DataAnnotations.RequiredAttribute"))
                {
                    memberType = memberType is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } value
                        ? value.TypeArguments[0]
                        : memberType.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
                }

                string tsType = TypeOf(memberType, HasStringEnumConverter(attributes));
                properties.Add(new ClientPropertySpec(jsonName, tsType, IsOptional: !isRequired));
            }
        }

        return new ClientTypeSpec(name, csharp, new EquatableArray<ClientPropertySpec>(properties.ToArray()), null);
    }

    private static string EnumMemberName(IFieldSymbol field) =>
        field.GetAttributes()
            .Where(static a => a.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute")
            .Select(static a => a.ConstructorArguments.FirstOrDefault().Value as string)
            .FirstOrDefault(static n => n is not null) ?? field.Name;

    private static bool IsRequiredByAttribute(List<AttributeData> attributes) =>
        attributes.Any(static a => a.AttributeClass?.ToDisplayString() is "System.Text.Json.Serialization.JsonRequiredAttribute" or "System.ComponentModel.DataAnnotations.RequiredAttribute");

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static bool IgnoredAlways(ISymbol member) =>
        member.GetAttributes().Any(static a => a.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonIgnoreAttribute"
            && (a.NamedArguments.Length == 0 || a.NamedArguments.Any(static n => n.Key == "Condition" && n.Value.Value is int condition && condition == 1)));

    private static bool HasAttribute(ISymbol symbol, string name) =>
        symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == name);

    private static bool HasStringEnumConverter(IEnumerable<AttributeData> attributes) =>
        attributes.Any(static a => a.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonConverterAttribute"
            && a.ConstructorArguments.FirstOrDefault().Value is INamedTypeSymbol converter
            && converter.OriginalDefinition.ToDisplayString() is "System.Text.Json.Serialization.JsonStringEnumConverter" or "System.Text.Json.Serialization.JsonStringEnumConverter<TEnum>");

    private static ITypeSymbol? DictionaryValue(INamedTypeSymbol type)
    {
        foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
        {
            string name = candidate.OriginalDefinition.ToDisplayString();
            if (name is "System.Collections.Generic.IDictionary<TKey, TValue>" or "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>")
            {
                return candidate.TypeArguments[1];
            }
        }

        return null;
    }

    private static ITypeSymbol? EnumerableElement(INamedTypeSymbol type)
    {
        foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
        {
            if (candidate.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            {
                return candidate.TypeArguments[0];
            }
        }

        return null;
    }
}
