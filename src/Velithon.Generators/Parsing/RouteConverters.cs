using Microsoft.CodeAnalysis;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>What each route converter (<c>&lt;int:id&gt;</c>, <c>{id:guid}</c>) requires of the parameter it binds.</summary>
internal static class RouteConverters
{
    public static SpecialType RequiredSpecialType(RouteConverter converter) => converter switch
    {
        RouteConverter.String or RouteConverter.Path => SpecialType.System_String,
        RouteConverter.Int => SpecialType.System_Int32,
        RouteConverter.Long => SpecialType.System_Int64,
        RouteConverter.Double => SpecialType.System_Double,
        RouteConverter.Decimal => SpecialType.System_Decimal,
        RouteConverter.Bool => SpecialType.System_Boolean,
        _ => SpecialType.None,
    };

    public static string Name(RouteConverter converter) => converter switch
    {
        RouteConverter.String => "str",
        RouteConverter.Int => "int",
        RouteConverter.Long => "long",
        RouteConverter.Double => "double",
        RouteConverter.Decimal => "decimal",
        RouteConverter.Bool => "bool",
        RouteConverter.Guid => "guid",
        RouteConverter.Path => "path",
        _ => "",
    };

    public static string TypeName(RouteConverter converter) => converter switch
    {
        RouteConverter.String or RouteConverter.Path => "string",
        RouteConverter.Int => "int",
        RouteConverter.Long => "long",
        RouteConverter.Double => "double",
        RouteConverter.Decimal => "decimal",
        RouteConverter.Bool => "bool",
        RouteConverter.Guid => "Guid",
        _ => "",
    };

    /// <summary>The C# type of a new parameter that takes the route parameter: the converter's, else <c>string</c>.</summary>
    public static string ParameterType(RouteConverter converter) => converter switch
    {
        RouteConverter.Guid => "global::System.Guid",
        RouteConverter.None => "string",
        _ => TypeName(converter),
    };
}
