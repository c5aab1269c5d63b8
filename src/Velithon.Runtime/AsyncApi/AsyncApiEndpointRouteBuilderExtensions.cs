using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Velithon.AsyncApi;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Serves the AsyncAPI document of the application's WebSocket routes (docs/asyncapi.md).</summary>
public static class AsyncApiEndpointRouteBuilderExtensions
{
    /// <summary>The path <see cref="MapAsyncApi"/> serves the document at unless told otherwise.</summary>
    public const string DefaultPattern = "/asyncapi.json";

    /// <summary>
    /// Serves the AsyncAPI 3.0 document that Velithon's generator wrote for this application's <c>[WebSocket]</c>
    /// routes, as <c>application/json</c>, on GET and HEAD at <paramref name="pattern"/>. The generated
    /// <c>MapVelithon()</c> registers the document, before or after this call; the document is a constant of the
    /// application's assembly, so serving it reflects over nothing and works under Native AOT.
    /// </summary>
    /// <param name="endpoints">The application's route builder, usually the <c>WebApplication</c>.</param>
    /// <param name="pattern">The route pattern of the document, <c>/asyncapi.json</c> by default.</param>
    /// <returns>The endpoint's builder, for conventions such as <c>RequireAuthorization()</c> or <c>CacheOutput()</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException"><c>AddVelithon()</c> was not called.</exception>
    /// <remarks>
    /// A request answered before <c>MapVelithon()</c> registered a document (or in an application with no routes) gets
    /// 404 with a plain-text reason. The document covers the routes of the application's own assembly; the routes
    /// of referenced assemblies are in each assembly's own document.
    /// </remarks>
    public static IEndpointConventionBuilder MapAsyncApi(this IEndpointRouteBuilder endpoints, string pattern = DefaultPattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var store = endpoints.ServiceProvider.GetService<AsyncApiDocumentStore>()
            ?? throw new InvalidOperationException("Velithon's services are not registered. Call builder.Services.AddVelithon() before app.MapAsyncApi().");

        // A RequestDelegate, not a lambda with parameters to bind: minimal APIs would build a binder for those by
        // reflection, which Native AOT rejects without the request delegate generator.
        RequestDelegate serve = context => ServeAsync(context, store);
        return endpoints.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], serve)
            .WithDisplayName("AsyncAPI document " + pattern);
    }

    private static Task ServeAsync(HttpContext context, AsyncApiDocumentStore store)
    {
        var response = context.Response;
        if (store.Document is not { } document)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            response.ContentType = "text/plain; charset=utf-8";
            return response.WriteAsync("No AsyncAPI document is registered: call app.MapVelithon() in an application with [WebSocket] routes.", context.RequestAborted);
        }

        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = document.Length;
        response.Headers.CacheControl = "no-cache";
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(document, context.RequestAborted).AsTask();
    }
}
