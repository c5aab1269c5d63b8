using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Writes a compile-time constant as the C# a careful person would write for it: a parameter's default value
/// or an attribute's argument, so generated code recreates exactly the value declared. Every kind C# allows
/// compiles: the special floating-point values (which have no literal), every integral type at its extremes,
/// chars and strings that need escapes, enum values with or without named members, and null.
/// </summary>
internal static class CSharpConstants
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>
    /// The C# expression of <paramref name="value"/> as a constant of <paramref name="type"/> (or of the value's
    /// own type when <paramref name="type"/> is <c>object</c>, as an attribute argument can be). A null value is
    /// <c>default</c> for a non-nullable value type (<c>Guid g = default</c>) and <c>null</c> otherwise.
    /// </summary>
    public static string Format(object? value, ITypeSymbol type)
    {
        bool isNullableValueType = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
        var valueType = isNullableValueType ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
        if (value is null)
        {
            return type.IsValueType && !isNullableValueType ? "default" : "null";
        }

        if (valueType is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
        {
            return Enum(value, enumType);
        }

        // nint and nuint constants are stored as their 32- or 64-bit values, and have no literal suffix.
        if (valueType.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
        {
            string number = Convert.ToString(value, CultureInfo.InvariantCulture)!;
            return $"({(valueType.SpecialType == SpecialType.System_IntPtr ? "nint" : "nuint")}){(number.StartsWith("-", StringComparison.Ordinal) ? "(" + number + ")" : number)}";
        }

        return Primitive(value);
    }

    private static string Primitive(object value) => value switch
    {
        string text => SymbolDisplay.FormatLiteral(text, quote: true),
        char c => SymbolDisplay.FormatLiteral(c, quote: true),
        bool b => b ? "true" : "false",
        double d => Double(d),
        float f => Single(f),
        decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
        int i => i.ToString(CultureInfo.InvariantCulture),

        // C# reads -9223372036854775808L as long.MinValue, as it reads -2147483648 as int.MinValue.
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
        ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",

        // No suffix exists for these: a cast to the keyword type, which C# reads as a cast even before a minus.
        byte b => "(byte)" + b.ToString(CultureInfo.InvariantCulture),
        sbyte sb => "(sbyte)" + sb.ToString(CultureInfo.InvariantCulture),
        short s => "(short)" + s.ToString(CultureInfo.InvariantCulture),
        ushort us => "(ushort)" + us.ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"'{value.GetType()}' is not a type C# allows as a constant.", nameof(value)),
    };

    // 0.1, 3.0, -0.0, 1E+20: shortest round-trip digits, with a decimal point so the literal is a double.
    private static string Double(double value)
    {
        if (double.IsNaN(value))
        {
            return "double.NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (double.Parse(text, CultureInfo.InvariantCulture) != value)
        {
            // "R" has failed to round-trip on .NET Framework, which can host the compiler.
            text = value.ToString("G17", CultureInfo.InvariantCulture);
        }

        return text.IndexOfAny(['.', 'E']) < 0 ? text + ".0" : text;
    }

    private static string Single(float value)
    {
        if (float.IsNaN(value))
        {
            return "float.NaN";
        }

        if (float.IsInfinity(value))
        {
            return value > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (float.Parse(text, CultureInfo.InvariantCulture) != value)
        {
            text = value.ToString("G9", CultureInfo.InvariantCulture);
        }

        return text + "F";
    }

    // Access.Read, Access.Read | Access.Write for [Flags], (Access)64 for a value no member names, (Sign)(-5).
    private static string Enum(object value, INamedTypeSymbol type)
    {
        string typeName = type.ToDisplayString(TypeFormat);
        ulong bits = ToBits(value);
        var members = type.GetMembers()
            .OfType<IFieldSymbol>()
            .Where(static f => f.HasConstantValue && f.ConstantValue is not null)
            .Select(f => (Name: f.Name, Bits: ToBits(f.ConstantValue!)))
            .ToList();

        foreach (var member in members)
        {
            if (member.Bits == bits)
            {
                return Member(typeName, member.Name);
            }
        }

        bool isFlags = type.GetAttributes().Any(static a => a.AttributeClass?.ToDisplayString() == "System.FlagsAttribute");
        if (isFlags && bits != 0)
        {
            // As Enum.ToString() names a combination: the largest members first, each taking its bits.
            var parts = new List<string>();
            ulong remaining = bits;
            foreach (var member in members.Where(static m => m.Bits != 0).OrderByDescending(static m => m.Bits))
            {
                if ((remaining & member.Bits) == member.Bits)
                {
                    parts.Add(Member(typeName, member.Name));
                    remaining &= ~member.Bits;
                }
            }

            if (parts.Count > 0)
            {
                parts.Reverse();
                if (remaining != 0)
                {
                    parts.Add(Cast(typeName, FromBits(remaining, value)));
                }

                return string.Join(" | ", parts);
            }
        }

        return Cast(typeName, value);
    }

    private static string Member(string typeName, string name) =>
        typeName + "." + (SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name);

    // A cast to a named type reads "(T)-5" as a subtraction, so a negative value is parenthesized.
    private static string Cast(string typeName, object value)
    {
        string number = Convert.ToString(value, CultureInfo.InvariantCulture)!;
        return number.StartsWith("-", StringComparison.Ordinal) ? $"({typeName})({number})" : $"({typeName}){number}";
    }

    private static ulong ToBits(object value) => value switch
    {
        byte or ushort or uint or ulong => Convert.ToUInt64(value, CultureInfo.InvariantCulture),
        _ => unchecked((ulong)Convert.ToInt64(value, CultureInfo.InvariantCulture)),
    };

    // The remaining bits as a value of the enum's underlying type, so a signed enum shows them signed.
    private static object FromBits(ulong bits, object like) => like switch
    {
        byte or ushort or uint or ulong => bits,
        _ => unchecked((long)bits),
    };
}
