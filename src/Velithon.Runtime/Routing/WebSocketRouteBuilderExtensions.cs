using System;
using System.ComponentModel;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Velithon.Connections;
using Velithon.Hosting;

namespace Velithon.Routing;

/// <summary>
/// Maps one WebSocket route. Infrastructure: it exists for the code Velithon's generator writes, whose
/// <c>MapVelithon()</c> calls it for every <c>[WebSocket]</c> handler; applications do not call it. It is hidden
/// from IntelliSense, each method too: the attribute on a class hides the class, not its extension methods in the
/// member list of the type they extend.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WebSocketRouteBuilderExtensions
{
    // RFC 8441 section 4: WebSockets over HTTP/2 arrive as an extended CONNECT request, not a GET. HEAD is no
    // handshake, but RFC 9110 section 9.3.2 wants it answered as GET is (426 and its headers), not with 405.
    private static readonly string[] HandshakeMethods = [HttpMethods.Get, HttpMethods.Connect, HttpMethods.Head];

    /// <summary>
    /// Maps <paramref name="pattern"/> (ASP.NET Core route syntax) to <paramref name="handler"/> for
    /// WebSocket handshakes over HTTP/1.1 and HTTP/2.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The ASP.NET Core route pattern.</param>
    /// <param name="template">The template as the user wrote it, kept as metadata.</param>
    /// <param name="handlerName">The handler's name, for the display name and logs.</param>
    /// <param name="handler">Binds the handshake to the handler's parameters and runs it.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static IEndpointConventionBuilder MapWebSocketRoute(
        this IEndpointRouteBuilder endpoints,
        string pattern,
        string template,
        string handlerName,
        Func<WebSocket, Task> handler) =>
        MapWebSocketRoute(endpoints, pattern, template, handlerName, handler, []);

    /// <summary>
    /// Maps <paramref name="pattern"/> to <paramref name="handler"/> as the other overload does, with the
    /// handler's attributes (<c>[Authorize]</c>, <c>[WebSocketCompression]</c>, ...) as endpoint metadata.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The ASP.NET Core route pattern.</param>
    /// <param name="template">The template as the user wrote it, kept as metadata.</param>
    /// <param name="handlerName">The handler's name, for the display name and logs.</param>
    /// <param name="handler">Binds the handshake to the handler's parameters and runs it.</param>
    /// <param name="metadata">The handler's attributes, in declaration order.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static IEndpointConventionBuilder MapWebSocketRoute(
        this IEndpointRouteBuilder endpoints,
        string pattern,
        string template,
        string handlerName,
        Func<WebSocket, Task> handler,
        object[] metadata) =>
        MapWebSocketRoute(endpoints, pattern, template, handlerName, handler, metadata, []);

    /// <summary>
    /// Maps <paramref name="pattern"/> to <paramref name="handler"/> as the other overloads do, after checking
    /// that every service in <paramref name="services"/> is registered.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The ASP.NET Core route pattern.</param>
    /// <param name="template">The template as the user wrote it, kept as metadata.</param>
    /// <param name="handlerName">The handler's name, for the display name and logs.</param>
    /// <param name="handler">Binds the handshake to the handler's parameters and runs it.</param>
    /// <param name="metadata">The handler's attributes, in declaration order.</param>
    /// <param name="services">The services the handler requires (optional ones are not listed).</param>
    /// <exception cref="InvalidOperationException">A required service is not registered; the message names the handler, the parameter and the type.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static IEndpointConventionBuilder MapWebSocketRoute(
        this IEndpointRouteBuilder endpoints,
        string pattern,
        string template,
        string handlerName,
        Func<WebSocket, Task> handler,
        object[] metadata,
        HandlerServiceDependency[] services)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(handler);

        var runtime = endpoints.ServiceProvider.GetService<VelithonRuntime>()
            ?? throw new InvalidOperationException(
                "Velithon's services are not registered. Call builder.Services.AddVelithon() before app.MapVelithon().");

        // Mapping runs after builder.Build(): the container is complete, so a missing service fails the start
        // here rather than every handshake later.
        HandlerServiceCheck.ThrowIfMissing(endpoints.ServiceProvider, handlerName, services);

        // A resumable route mapped without EnableResumableSessions (by hand, not by the generated MapVelithon) fails
        // the start here rather than every resume later.
        if (IsResumable(metadata) && !runtime.Sessions.CanProtectTokens)
        {
            throw new InvalidOperationException(Sessions.SessionRegistry.MissingKeysMessage($"The route {pattern} ({handlerName})"));
        }

        // The handler converts to the session's Func<ServerWebSocket, Task> by delegate variance: the same delegate, no wrapper.
        var session = new WebSocketSession(runtime, handlerName, handler);
        return endpoints.MapMethods(pattern, HandshakeMethods, session.CreateRequestDelegate())
            .WithMetadata(new WebSocketRouteMetadata(template, handlerName))
            .WithMetadata(metadata)
            .WithDisplayName($"WebSocket {pattern} => {handlerName}");
    }

    private static bool IsResumable(object[] metadata)
    {
        foreach (var item in metadata)
        {
            if (item is ResumableSessionAttribute)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Lets the resumable sessions of the routes mapped next protect their tokens with keys in this process's memory
    /// when the application registers no Data Protection (docs/resumable-sessions.md). The generated
    /// <c>MapVelithon()</c> calls it before mapping an assembly's routes when one of them has <c>[ResumableSession]</c>;
    /// an application without such a route never reaches Data Protection's code, and Native AOT leaves it out.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <exception cref="InvalidOperationException"><c>AddVelithon()</c> was not called.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void EnableResumableSessions(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var runtime = endpoints.ServiceProvider.GetService<VelithonRuntime>()
            ?? throw new InvalidOperationException(
                "Velithon's services are not registered. Call builder.Services.AddVelithon() before app.MapVelithon().");
        runtime.Sessions.EnableInMemoryKeys();
    }

    /// <summary>
    /// Registers the AsyncAPI document of the application's routes, for <c>MapAsyncApi()</c> to serve: the generated
    /// <c>MapVelithon()</c> calls it with its assembly's <c>AsyncApiDocument</c> constant.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="document">The AsyncAPI 3.0 document, as JSON.</param>
    /// <exception cref="InvalidOperationException"><c>AddVelithon()</c> was not called.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void RegisterAsyncApiDocument(this IEndpointRouteBuilder endpoints, string document)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(document);
        var store = endpoints.ServiceProvider.GetService<AsyncApi.AsyncApiDocumentStore>()
            ?? throw new InvalidOperationException(
                "Velithon's services are not registered. Call builder.Services.AddVelithon() before app.MapVelithon().");
        store.Register(document);
    }
}
