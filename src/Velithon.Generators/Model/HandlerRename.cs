namespace Velithon.Generators.Model;

/// <summary>A handler whose generated class cannot have the handler's own name, and the name it gets.</summary>
internal sealed record HandlerRename(HandlerSpec Handler, string Name);
