using System;
using System.ComponentModel;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Velithon.Routing;

/// <summary>
/// Serves a file the generator wrote as a constant (see <see cref="VelithonGeneratedFileAttribute"/>): a typed
/// client module, a contract document. Infrastructure: the generated map methods (<c>MapVelithonClients()</c>, ...)
/// call it; applications do not.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedFileEndpoints
{
    /// <summary>
    /// Maps <c>GET</c> and <c>HEAD</c> of <paramref name="path"/> to <paramref name="content"/>, encoded once as UTF-8,
    /// with a strong <c>ETag</c> of its SHA-256 and <c>Cache-Control: no-cache</c>, so a browser revalidates and gets a
    /// 304 while the build is the same (RFC 9110 sections 8.8.3 and 13.1.2; RFC 9111 section 5.2.2.4).
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="path">The URL path, starting with <c>/</c>.</param>
    /// <param name="contentType">The media type, with charset.</param>
    /// <param name="content">The file's text.</param>
    /// <returns>The endpoint's builder, for conventions such as <c>RequireAuthorization()</c>.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static IEndpointConventionBuilder MapGeneratedFile(this IEndpointRouteBuilder endpoints, string path, string contentType, string content)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(contentType);
        ArgumentNullException.ThrowIfNull(content);

        byte[] body = Encoding.UTF8.GetBytes(content);
        string etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(body), 0, 16) + "\"";
        return endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], context =>
        {
            var response = context.Response;
            response.Headers.ETag = etag;
            response.Headers.CacheControl = "no-cache";
            if (context.Request.Headers.IfNoneMatch.ToString() is { Length: > 0 } ifNoneMatch && MatchesETag(ifNoneMatch, etag))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return System.Threading.Tasks.Task.CompletedTask;
            }

            response.ContentType = contentType;
            response.ContentLength = body.Length;
            return HttpMethods.IsHead(context.Request.Method)
                ? System.Threading.Tasks.Task.CompletedTask
                : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
        }).WithDisplayName("Velithon generated file " + path);
    }

    // If-None-Match is "*" or a list of entity tags, compared weakly (RFC 9110 section 13.1.2).
    private static bool MatchesETag(string ifNoneMatch, string etag)
    {
        if (ifNoneMatch.Trim() == "*")
        {
            return true;
        }

        return EntityTagHeaderValue.TryParseList([ifNoneMatch], out var tags)
            && tags.Any(tag => tag.Tag.AsSpan().SequenceEqual(etag));
    }
}
