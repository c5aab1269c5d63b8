using System.IO;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Velithon.Testing;

/// <summary>
/// The HTTP/1.1 upgrade of an in-memory handshake: the server's 101 goes to the test client, and the connection's
/// frames travel on an <see cref="InMemoryDuplexStream"/>, so the server runs the same framing it runs on Kestrel.
/// </summary>
internal sealed class InMemoryUpgradeFeature(HttpContext context, Stream serverEnd) : IHttpUpgradeFeature
{
    public bool IsUpgradableRequest => true;

    public async Task<Stream> UpgradeAsync()
    {
        context.Response.StatusCode = StatusCodes.Status101SwitchingProtocols;

        // The in-memory server hands the response (the 101 and its headers) to the client's pending request when its
        // body is first written or flushed.
        await context.Response.StartAsync().ConfigureAwait(false);
        await context.Response.Body.FlushAsync().ConfigureAwait(false);
        return serverEnd;
    }
}
