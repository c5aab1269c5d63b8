namespace Velithon.Generators.Model;

/// <summary>
/// A handler as the route tables list it. Only what the tables write, so an edit that changes a handler's
/// binding but not its route re-emits that handler's file and leaves the tables cached.
/// </summary>
/// <param name="Template">The template as written.</param>
/// <param name="Pattern">The ASP.NET Core route pattern, which orders the table.</param>
/// <param name="HandlerName">The handler's display name.</param>
/// <param name="IdentifierName">The handler's generated class, nested in the route table class.</param>
/// <param name="HasMetadata">Whether the class has <c>CreateMetadata()</c>.</param>
/// <param name="HasServices">Whether the class has <c>CreateServices()</c>.</param>
/// <param name="IsResumable">Whether the route has <c>[ResumableSession]</c>: the table then enables the in-memory keys of its tokens.</param>
internal sealed record RouteEntrySpec(string Template, string Pattern, string HandlerName, string IdentifierName, bool HasMetadata, bool HasServices, bool IsResumable);

