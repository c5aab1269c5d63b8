using System;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;

namespace Velithon.Json;

/// <summary>
/// A type's name as C# source writes it (<c>Dictionary&lt;string, string&gt;</c>, <c>int?</c>, <c>Move[]</c>), for
/// messages that tell the user what to type; <see cref="Type.ToString"/> gives <c>System.Collections.Generic.Dictionary`2[...]</c>.
/// </summary>
internal static class CSharpTypeName
{
    public static bool IsAnonymous(Type type) =>
        type.IsGenericType
        && type.Name.Contains("AnonymousType", StringComparison.Ordinal)
        && type.Name.StartsWith("<>", StringComparison.Ordinal)
        && type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);

    [RequiresUnreferencedCode("Lists an anonymous type's properties by reflection; without that metadata the list is left out.")]
    public static string Format(Type type)
    {
        var builder = new StringBuilder();
        Append(builder, type);
        return builder.ToString();
    }

    [RequiresUnreferencedCode("Lists an anonymous type's properties by reflection; without that metadata the list is left out.")]
    private static void Append(StringBuilder builder, Type type)
    {
        if (Keyword(type) is { } keyword)
        {
            builder.Append(keyword);
            return;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            Append(builder, underlying);
            builder.Append('?');
            return;
        }

        if (type.IsArray)
        {
            Append(builder, type.GetElementType()!);
            builder.Append('[').Append(',', type.GetArrayRank() - 1).Append(']');
            return;
        }

        if (IsAnonymous(type))
        {
            var properties = type.GetProperties().Select(static property => property.Name).ToArray();
            builder.Append(properties.Length == 0 ? "an anonymous type" : $"an anonymous type {{ {string.Join(", ", properties)} }}");
            return;
        }

        if (type.IsNested && !type.IsGenericParameter)
        {
            // Generic arguments of the enclosing types are rare in messages; their names are enough here.
            builder.Append(StripArity(type.DeclaringType!.Name)).Append('.');
        }

        builder.Append(StripArity(type.Name));
        if (type.IsGenericType)
        {
            builder.Append('<');
            var arguments = type.GetGenericArguments();
            for (int i = 0; i < arguments.Length; i++)
            {
                if (i > 0)
                {
                    builder.Append(", ");
                }

                Append(builder, arguments[i]);
            }

            builder.Append('>');
        }
    }

    private static string StripArity(string name)
    {
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }

    private static string? Keyword(Type type) => Type.GetTypeCode(type) switch
    {
        _ when type == typeof(object) => "object",
        _ when type.IsEnum => null,
        TypeCode.Boolean => "bool",
        TypeCode.Byte => "byte",
        TypeCode.SByte => "sbyte",
        TypeCode.Char => "char",
        TypeCode.Decimal => "decimal",
        TypeCode.Double => "double",
        TypeCode.Single => "float",
        TypeCode.Int16 => "short",
        TypeCode.UInt16 => "ushort",
        TypeCode.Int32 => "int",
        TypeCode.UInt32 => "uint",
        TypeCode.Int64 => "long",
        TypeCode.UInt64 => "ulong",
        TypeCode.String => "string",
        _ when type == typeof(nint) => "nint",
        _ when type == typeof(nuint) => "nuint",
        _ => null,
    };
}
