using Microsoft.CodeAnalysis;
using Velithon.Generators.Helpers;

namespace Velithon.Generators.Model;

/// <summary>
/// What parsing one <c>[WebSocket]</c> declaration gave: the handler, or the diagnostics that kept it out of
/// the route table. Only the first step holds it; the route table sees <see cref="Handler"/> alone, so the
/// diagnostics' source locations never defeat its caching.
/// </summary>
/// <param name="Route">The route the declaration adds, at its template, for the clashes between routes (VLT0002, VLT0027).</param>
/// <param name="Document">The route as the AsyncAPI document describes it; null when the handler has an error.</param>
internal sealed record ParsedHandler(HandlerSpec? Handler, EquatableArray<Diagnostic> Diagnostics, Diagnostics.DeclaredRoute? Route = null, RouteDocumentSpec? Document = null)
{
    public static readonly ParsedHandler Empty = new(null, new EquatableArray<Diagnostic>([]));
}
