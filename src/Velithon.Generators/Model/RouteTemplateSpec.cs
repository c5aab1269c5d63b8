using Velithon.Generators.Helpers;

namespace Velithon.Generators.Model;

/// <summary>The type a route parameter's converter (<c>&lt;int:id&gt;</c>, <c>{id:int}</c>) asks for.</summary>
internal enum RouteConverter
{
    /// <summary>No converter: the parameter's declared type decides how the value parses.</summary>
    None,
    String,
    Int,
    Long,
    Double,
    Decimal,
    Bool,
    Guid,

    /// <summary>The rest of the path, slashes included.</summary>
    Path,
}

/// <summary>A parameter of a route template.</summary>
internal sealed record RouteParameterSpec(string Name, RouteConverter Converter, int Offset, int Length);

/// <summary>A parsed route template.</summary>
/// <param name="Pattern">The ASP.NET Core route pattern that routing matches, for example <c>/chat/{roomId}</c>.</param>
/// <param name="Key">The pattern with parameter names and case removed: two templates with the same key match the same paths.</param>
/// <param name="Parameters">The template's parameters, in order.</param>
internal sealed record RouteTemplateSpec(string Pattern, string Key, EquatableArray<RouteParameterSpec> Parameters);

/// <summary>Why a route template is malformed, and where in it.</summary>
internal sealed record RouteTemplateError(string Message, int Offset, int Length);
