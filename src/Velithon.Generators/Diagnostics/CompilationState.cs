using System.Collections.Concurrent;
using System.Collections.Generic;
using Velithon.Generators.Model;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Velithon.Generators.Diagnostics;

/// <summary>What the analyzer collects over one compilation for its compilation-end rules.</summary>
internal sealed class CompilationState(IReadOnlyList<ReferencedRouteTableSpec> referencedTables)
{
    /// <summary>The route tables of referenced assemblies, which this assembly's MapVelithon() maps too.</summary>
    public IReadOnlyList<ReferencedRouteTableSpec> ReferencedTables => referencedTables;

    /// <summary>Routes with a valid template, for duplicates (VLT0002).</summary>
    public ConcurrentBag<DeclaredRoute> Routes { get; } = new();

    /// <summary>Every <c>[WebSocket]</c> attribute, valid or not: the routes the author meant to declare.</summary>
    public ConcurrentBag<Location> RouteAttributes { get; } = new();

    /// <summary>The <c>[WebSocket]</c> attributes of handlers the route table serves.</summary>
    public ConcurrentBag<Location> ServedRouteAttributes { get; } = new();

    /// <summary>Calls of <c>MapVelithon()</c>.</summary>
    public ConcurrentBag<Location> MapCalls { get; } = new();

    /// <summary>Calls of <c>AddVelithon()</c>: the compilation is the application that hosts the routes.</summary>
    public ConcurrentBag<Location> AddCalls { get; } = new();

    public void RecordRouteAttribute(AttributeData attribute, bool served, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is { } syntax)
        {
            RouteAttributes.Add(syntax.GetLocation());
            if (served)
            {
                ServedRouteAttributes.Add(syntax.GetLocation());
            }
        }
    }

    public void RecordCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.Name == "MapVelithon")
        {
            MapCalls.Add(invocation.Syntax.GetLocation());
        }
        else if (method.Name == "AddVelithon" && method.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.DependencyInjection"
            && method.ContainingType.Name == "VelithonServiceCollectionExtensions")
        {
            AddCalls.Add(invocation.Syntax.GetLocation());
        }
    }
}
