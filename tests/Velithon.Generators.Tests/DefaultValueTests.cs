namespace Velithon.Generators.Tests;

/// <summary>
/// Every constant C# allows as a parameter's default value becomes generated code that compiles and binds to
/// the value declared: the special floating-point values, every numeric type at its extremes, chars and strings
/// that need escapes, enums with and without named members, and <c>null</c> for every nullable kind.
/// </summary>
public sealed class DefaultValueTests
{
    // (type, name, default as written): the handler takes each from the query string, with this default.
    private static readonly (string Type, string Name, string Default)[] Parameters =
    [
        ("double", "nan", "double.NaN"),
        ("double", "positiveInfinity", "double.PositiveInfinity"),
        ("double", "negativeInfinity", "double.NegativeInfinity"),
        ("double", "negativeZero", "-0.0"),
        ("double", "largest", "double.MaxValue"),
        ("double", "smallest", "double.Epsilon"),
        ("double", "tenth", "0.1"),
        ("double", "big", "1e20"),
        ("double", "whole", "3"),
        ("float", "floatNaN", "float.NaN"),
        ("float", "floatPositiveInfinity", "float.PositiveInfinity"),
        ("float", "floatNegativeInfinity", "float.NegativeInfinity"),
        ("float", "floatLargest", "float.MaxValue"),
        ("float", "third", "1f / 3"),
        ("decimal", "price", "2.50m"),
        ("decimal", "decimalSmallest", "decimal.MinValue"),
        ("decimal", "decimalLargest", "decimal.MaxValue"),
        ("decimal", "tiny", "0.0000000000000000000000000001m"),
        ("char", "nul", @"'\0'"),
        ("char", "apostrophe", @"'\''"),
        ("char", "backslash", @"'\\'"),
        ("char", "quote", "'\"'"),
        ("char", "newline", @"'\n'"),
        ("char", "accent", "'é'"),
        ("string", "text", "\"quote \\\" backslash \\\\ newline \\n return \\r tab \\t nul \\0 bell \\a control \\u0001 line \\u2028 é 日本 😀\""),
        ("string", "verbatim", "@\"C:\\path\\\"\"quoted\"\"\""),
        ("string", "empty", "\"\""),
        ("Access", "combined", "Access.Read | Access.Write"),
        ("Access", "unnamed", "(Access)64"),
        ("Access", "namedAndUnnamed", "Access.Admin | (Access)8"),
        ("Access", "none", "Access.None"),
        ("Sign", "negative", "Sign.Negative"),
        ("Sign", "unnamedNegative", "(Sign)(-5)"),
        ("Big", "top", "Big.Top"),
        ("Nameless", "zero", "default"),
        ("Keywords", "keyword", "Keywords.@class"),
        ("int?", "nullInt", "null"),
        ("long?", "nullLong", "null"),
        ("double?", "nullDouble", "null"),
        ("float?", "nullFloat", "null"),
        ("decimal?", "nullDecimal", "null"),
        ("char?", "nullChar", "null"),
        ("bool?", "nullBool", "null"),
        ("Access?", "nullAccess", "null"),
        ("Guid?", "nullGuid", "null"),
        ("string?", "nullString", "null"),
        ("int?", "five", "5"),
        ("double?", "nullableNaN", "double.NaN"),
        ("decimal?", "nullablePrice", "-1.5m"),
        ("char?", "nullableApostrophe", @"'\''"),
        ("Access?", "nullableCombined", "Access.Read | Access.Admin"),
        ("Guid", "emptyGuid", "default"),
        ("long", "longMin", "long.MinValue"),
        ("long", "longMax", "long.MaxValue"),
        ("ulong", "ulongMax", "ulong.MaxValue"),
        ("uint", "uintMax", "uint.MaxValue"),
        ("int", "intMin", "int.MinValue"),
        ("short", "shortMin", "short.MinValue"),
        ("ushort", "ushortMax", "ushort.MaxValue"),
        ("byte", "byteMax", "byte.MaxValue"),
        ("sbyte", "sbyteMin", "sbyte.MinValue"),
        ("nint", "native", "-7"),
        ("nuint", "nativeUnsigned", "7"),
        ("bool", "yes", "true"),
        ("bool", "no", "false"),
    ];

    private static readonly string Source = SnapshotTests.Usings + $$"""
        using System.Globalization;
        using System.Linq;
        using Microsoft.AspNetCore.Builder;
        using Velithon.Testing;

        namespace Defaults;

        [Flags]
        public enum Access { None = 0, Read = 1, Write = 2, Admin = 4 }

        public enum Sign : long { Negative = -1, Zero = 0 }

        public enum Big : ulong { Top = ulong.MaxValue }

        public enum Nameless { One = 1 }

        public enum Keywords { @class, @default }

        public static class Handlers
        {
            [WebSocket("/defaults")]
            public static async Task Run(WebSocket ws, {{string.Join(", ", Parameters.Select(p => $"[FromQuery] {p.Type} {p.Name} = {p.Default}"))}})
            {
                await ws.AcceptAsync();
                await ws.SendTextAsync(Describe({{string.Join(", ", Parameters.Select(p => p.Name))}}));
                await ws.CloseAsync();
            }

            // The same parameters and defaults, called without arguments: the values as the compiler declares them.
            public static string Describe({{string.Join(", ", Parameters.Select(p => $"{p.Type} {p.Name} = {p.Default}"))}}) =>
                string.Join("|", new object?[] { {{string.Join(", ", Parameters.Select(p => p.Name))}} }.Select(Show));

            public static Task<string> Declared() => Task.FromResult(Describe());

            public static async Task<string> Bound()
            {
                await using var server = await VelithonTestServer.StartAsync(app => app.MapVelithon());
                await using var client = await server.Client.ConnectAsync("/defaults");
                return await client.ReceiveTextAsync();
            }

            // Round-trip formats (with the sign of zero), so a default that binds to a nearby value shows.
            private static string Show(object? value) => value switch
            {
                null => "null",
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                float f => f.ToString("R", CultureInfo.InvariantCulture),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
        }
        """;

    [Fact]
    public async Task EveryConstantKind_GeneratesCompilingCode_ThatBindsTheDeclaredDefaults()
    {
        var (_, output, result) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Source).WithAssemblyName("Defaults"));
        GeneratorHarness.AssertClean(output);

        // A careful writer's literals: named constants for the special values, members for enums.
        string generated = result.GeneratedSources.Single(s => s.HintName == "Velithon.Handlers.Defaults_Handlers_Run.g.cs").SourceText.ToString();
        Assert.Contains("double nan = double.NaN;", generated, StringComparison.Ordinal);
        Assert.Contains("float floatNegativeInfinity = float.NegativeInfinity;", generated, StringComparison.Ordinal);
        Assert.Contains("global::Defaults.Access combined = global::Defaults.Access.Read | global::Defaults.Access.Write;", generated, StringComparison.Ordinal);
        Assert.Contains("global::Defaults.Sign unnamedNegative = (global::Defaults.Sign)(-5);", generated, StringComparison.Ordinal);
        Assert.Contains("decimal price = 2.50M;", generated, StringComparison.Ordinal);
        Assert.Contains("long longMin = -9223372036854775808L;", generated, StringComparison.Ordinal);

        var context = new CompiledAssemblies();
        try
        {
            context.Add("Defaults", CompiledAssemblies.Emit(output));
            var assembly = context.LoadImage("Defaults");
            var declared = (string?)await CompiledAssemblies.InvokeAsync(assembly, "Defaults.Handlers", "Declared");
            var bound = (string?)await CompiledAssemblies.InvokeAsync(assembly, "Defaults.Handlers", "Bound");
            Assert.Equal(declared, bound);
            Assert.StartsWith("NaN|Infinity|-Infinity|-0|", bound, StringComparison.Ordinal);
        }
        finally
        {
            context.Unload();
        }
    }
}
