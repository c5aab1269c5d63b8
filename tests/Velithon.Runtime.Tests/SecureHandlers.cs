using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Velithon.Runtime.Tests;

/// <summary>Handlers with authorization and compression attributes, which the generator carries as endpoint metadata.</summary>
public static class SecureHandlers
{
    [Authorize]
    [WebSocket("/secure/hello")]
    public static async Task Hello(WebSocket ws, ClaimsPrincipal user)
    {
        await ws.SendTextAsync("hello " + user.Identity!.Name);
        await ws.CloseAsync();
    }

    [Authorize(Roles = "admin")]
    [WebSocket("/secure/admin")]
    public static async Task Admin(WebSocket ws, ClaimsPrincipal user)
    {
        await ws.SendTextAsync("admin " + user.Identity!.Name);
        await ws.CloseAsync();
    }

    [OperatorsOnly]
    [WebSocket("/secure/operators")]
    public static async Task Operators(WebSocket ws, ClaimsPrincipal user)
    {
        await ws.SendTextAsync("operator " + user.Identity!.Name);
        await ws.CloseAsync();
    }

    [AllowAnonymous]
    [WebSocket("/public/hello")]
    public static async Task PublicHello(WebSocket ws)
    {
        await ws.SendTextAsync("hello anyone");
        await ws.CloseAsync();
    }

    [WebSocketCompression(ServerMaxWindowBits = 12)]
    [WebSocket("/compressed/echo")]
    public static Task CompressedEcho(WebSocket ws) => Handlers.ConformanceEcho(ws);

    [WebSocketCompression(ServerMaxWindowBits = 12)]
    [WebSocket("/compressed/echo-text")]
    public static Task CompressedEchoText(WebSocket ws) => Handlers.ConformanceEchoText(ws);

    [WebSocketCompression(Enabled = false)]
    [WebSocket("/uncompressed/echo")]
    public static Task UncompressedEcho(WebSocket ws) => Handlers.ConformanceEcho(ws);
}

/// <summary>
/// An application's own authorization attribute. Internal, so the generated route table can recreate it; a
/// private one is a build error (VLT0028) rather than a route served to anyone.
/// </summary>
internal sealed class OperatorsOnlyAttribute : AuthorizeAttribute
{
    public OperatorsOnlyAttribute() => Roles = "operator";
}

/// <summary>An endpoint class that only authenticated users reach.</summary>
[Authorize]
[WebSocket("/secure/endpoint")]
public sealed class SecureEndpoint : WebSocketEndpoint
{
    public override async ValueTask OnConnectCompleteAsync(WebSocket ws) =>
        await ws.SendTextAsync("endpoint " + ws.HttpContext.User.Identity!.Name);
}

/// <summary>
/// A real authentication handler for tests: <c>Authorization: Test name[,role...]</c> signs in as
/// <c>name</c> (both its name and its name identifier) with those roles; no header is no identity (401 on a protected route).
/// </summary>
public sealed class TestAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(SchemeName + " ", StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var parts = header[(SchemeName.Length + 1)..].Split(',');
        var claims = new List<Claim> { new(ClaimTypes.Name, parts[0]), new(ClaimTypes.NameIdentifier, parts[0]) };
        claims.AddRange(parts.Skip(1).Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
