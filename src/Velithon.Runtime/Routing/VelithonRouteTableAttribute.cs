using System;
using System.ComponentModel;

namespace Velithon.Routing;

/// <summary>
/// Names the generated route table of an assembly that declares <c>[WebSocket]</c> handlers, with the
/// routes it maps. The generator writes it; the <c>MapVelithon()</c> generated in an assembly that references
/// this one reads it at compile time and maps these routes too, so a test project's
/// <c>app.MapVelithon()</c> maps the application's routes. Nothing reads it at run time. Infrastructure: it
/// exists for generated code and is hidden from IntelliSense; applications do not apply it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class VelithonRouteTableAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="routeTable">The generated public static class whose <c>Map(RouteGroupBuilder)</c> maps the assembly's routes.</param>
    /// <param name="templates">The routes' templates as written in <c>[WebSocket]</c>, in the order they are mapped.</param>
    /// <param name="handlerNames">The handlers of <paramref name="templates"/>, one each, as <c>Namespace.Type.Method</c> or <c>Namespace.Type</c>.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public VelithonRouteTableAttribute(Type routeTable, string[] templates, string[] handlerNames)
    {
        ArgumentNullException.ThrowIfNull(routeTable);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(handlerNames);
        RouteTable = routeTable;
        Templates = templates;
        HandlerNames = handlerNames;
    }

    /// <summary>The generated route table class.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Type RouteTable { get; }

    /// <summary>The routes' templates.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public string[] Templates { get; }

    /// <summary>The routes' handlers.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public string[] HandlerNames { get; }
}
