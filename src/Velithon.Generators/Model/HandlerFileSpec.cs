namespace Velithon.Generators.Model;

/// <summary>A handler and the route table class its generated class is nested in.</summary>
/// <param name="Handler">The handler, with its generated class's final name.</param>
/// <param name="RouteTableName">This assembly's route table class, named after the assembly.</param>
internal sealed record HandlerFileSpec(HandlerSpec Handler, string RouteTableName);
