using Velithon.Generators.Helpers;

namespace Velithon.Generators.Model;

/// <summary>A route of a referenced assembly, as its <c>[assembly: VelithonRouteTable]</c> lists it.</summary>
internal sealed record ReferencedRouteSpec(string Template, string HandlerName);

/// <summary>The route table of a referenced assembly, which this assembly's <c>MapVelithon()</c> maps too.</summary>
/// <param name="AssemblyName">The referenced assembly's name.</param>
/// <param name="TypeName">Its route table class, fully qualified.</param>
/// <param name="Routes">Its routes, in its order.</param>
internal sealed record ReferencedRouteTableSpec(string AssemblyName, string TypeName, EquatableArray<ReferencedRouteSpec> Routes);

/// <summary>The compilation-wide facts the route table needs, reduced to data.</summary>
/// <param name="AssemblyName">This assembly's name, which names its public route table class.</param>
/// <param name="ReferencedTables">The route tables of referenced assemblies, ordered by assembly name.</param>
/// <param name="SeesReferencedMapVelithon">
/// Whether a referenced assembly's internal <c>MapVelithon()</c> is accessible here (<c>InternalsVisibleTo</c>).
/// </param>
internal sealed record CompilationSpec(string AssemblyName, EquatableArray<ReferencedRouteTableSpec> ReferencedTables, bool SeesReferencedMapVelithon = false);
