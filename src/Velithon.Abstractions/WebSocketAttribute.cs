using System;
using System.Diagnostics.CodeAnalysis;

namespace Velithon;

/// <summary>
/// Marks a static method (or, in a later form, an endpoint class) as the handler of a WebSocket route.
/// The Velithon source generator turns every marked handler of an assembly into a route of the
/// generated <c>MapVelithon()</c> extension method, with parameter binding written at compile time.
/// </summary>
/// <remarks>
/// <para>
/// The template is a path starting with <c>/</c>. Parameters are written <c>&lt;name&gt;</c> or
/// <c>{name}</c>, optionally with a converter: <c>&lt;int:id&gt;</c>, <c>&lt;long:id&gt;</c>,
/// <c>&lt;guid:id&gt;</c>, <c>&lt;path:rest&gt;</c> (the rest of the path, slashes included),
/// or the ASP.NET Core form <c>{id:int}</c>.
/// </para>
/// <para>
/// A template never ends with a slash (except the root <c>/</c>); ASP.NET Core routing matches the
/// request path with or without one trailing slash.
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class WebSocketAttribute : Attribute
{
    /// <summary>Creates the attribute for the given route template.</summary>
    /// <param name="template">The route template, for example <c>/chat/&lt;roomId&gt;</c>.</param>
    public WebSocketAttribute([StringSyntax("Route")] string template)
    {
        Template = template;
    }

    /// <summary>The route template this handler serves.</summary>
    public string Template { get; }
}
