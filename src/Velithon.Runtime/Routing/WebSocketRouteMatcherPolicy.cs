using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace Velithon.Routing;

/// <summary>
/// Lets a WebSocket route and an HTTP route share a path: when both match a request, a WebSocket
/// handshake goes to the WebSocket route and any other request to the HTTP route, instead of the
/// ambiguous-match error routing would raise. When only one kind matches, nothing changes, so a
/// plain request to a WebSocket-only path still reaches it and gets a clear 4xx.
/// </summary>
internal sealed class WebSocketRouteMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    // After HttpMethodMatcherPolicy (-1000), so candidates with the wrong method are already invalid.
    public override int Order => 100;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints)
    {
        bool hasWebSocketRoute = false;
        bool hasOtherRoute = false;
        foreach (var endpoint in endpoints)
        {
            if (IsWebSocketRoute(endpoint))
            {
                hasWebSocketRoute = true;
            }
            else
            {
                hasOtherRoute = true;
            }
        }

        return hasWebSocketRoute && hasOtherRoute;
    }

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        bool hasWebSocketCandidate = false;
        bool hasOtherCandidate = false;
        for (int i = 0; i < candidates.Count; i++)
        {
            if (!candidates.IsValidCandidate(i))
            {
                continue;
            }

            if (IsWebSocketRoute(candidates[i].Endpoint))
            {
                hasWebSocketCandidate = true;
            }
            else
            {
                hasOtherCandidate = true;
            }
        }

        if (!hasWebSocketCandidate || !hasOtherCandidate)
        {
            return Task.CompletedTask;
        }

        // Velithon installs no middleware before routing: the request's own headers and features tell.
        bool isHandshake = Protocol.WebSocketHandshake.IsHandshakeRequest(httpContext);
        for (int i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && IsWebSocketRoute(candidates[i].Endpoint) != isHandshake)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }

    private static bool IsWebSocketRoute(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<WebSocketRouteMetadata>() is not null;
}
