namespace Velithon.Routing;

/// <summary>
/// Endpoint metadata that marks an endpoint as a Velithon WebSocket route. Read it from
/// <c>endpoint.Metadata.GetMetadata&lt;WebSocketRouteMetadata&gt;()</c> to tell WebSocket routes apart.
/// </summary>
public sealed class WebSocketRouteMetadata
{
    /// <summary>Creates the metadata.</summary>
    /// <param name="template">The template as written in the <c>[WebSocket]</c> attribute.</param>
    /// <param name="handlerName">The handler, as <c>Namespace.Type.Method</c> or <c>Namespace.Type</c>.</param>
    public WebSocketRouteMetadata(string template, string handlerName)
    {
        Template = template;
        HandlerName = handlerName;
    }

    /// <summary>The template as written in the <c>[WebSocket]</c> attribute.</summary>
    public string Template { get; }

    /// <summary>The handler, as <c>Namespace.Type.Method</c> or <c>Namespace.Type</c>.</summary>
    public string HandlerName { get; }
}
