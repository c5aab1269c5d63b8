using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Diagnostics;

/// <summary>A route the analyzer saw declared, for VLT0002 at the end of the compilation.</summary>
internal sealed record DeclaredRoute(string Key, string Template, string HandlerName, Location Location);
