using Microsoft.AspNetCore.Http;
using Velithon.Hosting;
using Velithon.Limits;
using Velithon.Routing;

namespace Velithon.Runtime.Tests;

/// <summary>
/// The runtime's side of the one origin rule: every row of <see cref="OriginCases"/> through the options validator,
/// the options' and a route's <c>[AllowedOrigins]</c> policy, and the handshake's <c>Origin</c> header. The
/// generator's OriginRuleTests run the same rows through VLT0030.
/// </summary>
public sealed class OriginRuleTests
{
    public static TheoryData<string, string> Origins => Rows(OriginCases.Origins.Select(row => (row.Text, row.Serialized)));

    public static TheoryData<string, string> NotOrigins => Rows(OriginCases.NotOrigins.Select(row => (row.Text, row.Problem)));

    [Theory]
    [MemberData(nameof(Origins))]
    public void AnOrigin_PassesTheValidator_AndAdmitsItsSerialization_FromTheOptionsAndFromTheAttribute(string text, string serialized)
    {
        var options = Options(text);
        var result = new VelithonOptionsValidator().Validate(null, options);
        Assert.True(result.Succeeded, result.FailureMessage);

        foreach (var policy in new[] { RoutePolicy.FromOptions(options).OriginPolicy, AttributePolicy(text).OriginPolicy })
        {
            // A browser sends the serialization; the entry itself, as a header, is the same origin by the same rule.
            Assert.True(policy.IsAllowed(Request(serialized)), $"{text} does not admit {serialized}");
            Assert.True(policy.IsAllowed(Request(text)), $"{text} does not admit itself");
            Assert.False(policy.IsAllowed(Request("https://other.example")));
        }
    }

    [Theory]
    [MemberData(nameof(Origins))]
    public void AnOrigin_ParsesToItsRfc6454Serialization(string text, string serialized)
    {
        Assert.True(OriginSyntax.TryParse(text, out var origin));
        Assert.Equal(serialized, origin.Value);

        // What a browser sends is already serialized: the parse keeps the very string, no copy.
        Assert.True(OriginSyntax.TryParse(serialized, out var again));
        Assert.Same(serialized, again.Value);
        Assert.Equal(origin.Host, again.Host);
        Assert.Equal(origin.Port, again.Port);
    }

    [Theory]
    [MemberData(nameof(NotOrigins))]
    public void NotAnOrigin_InTheOptions_FailsTheStart_NamingIt(string text, string problem)
    {
        var result = new VelithonOptionsValidator().Validate(null, Options(text));
        Assert.True(result.Failed, $"The validator accepts '{text}'");
        Assert.Equal([$"AllowedOrigins holds '{text}', which is not an origin ({problem}): write {OriginCases.Expected}, or * for any origin"], result.Failures);
    }

    [Theory]
    [MemberData(nameof(NotOrigins))]
    public void NotAnOrigin_InTheRoutesAttribute_FailsTheRoute_NamingIt(string text, string problem)
    {
        var error = Assert.Throws<InvalidOperationException>(() => AttributePolicy(text));
        Assert.Equal($"The [AllowedOrigins] of /chat holds '{text}', which is not an origin ({problem}): write {OriginCases.Expected}, or * for any origin", error.Message);
    }

    [Theory]
    [MemberData(nameof(NotOrigins))]
    public void NotAnOrigin_AsTheOriginHeader_MatchesNothing_NotEvenTheSameOriginDefault(string text, string problem)
    {
        _ = problem;
        var sameOrigin = RoutePolicy.FromOptions(new VelithonOptions()).OriginPolicy;
        var listed = RoutePolicy.FromOptions(Options("https://app.example")).OriginPolicy;

        // The empty header is no Origin at all (a client that is not a browser), which passes.
        Assert.Equal(text.Length == 0, sameOrigin.IsAllowed(Request(text, host: "app.example")));
        Assert.Equal(text.Length == 0, listed.IsAllowed(Request(text, host: "app.example")));
    }

    [Fact]
    public void OriginHeaders_AsBrowsersSendThem_AreCheckedWithoutAllocating()
    {
        var listed = RoutePolicy.FromOptions(Options("https://app.example", "http://localhost:5173")).OriginPolicy;
        var sameOrigin = RoutePolicy.FromOptions(new VelithonOptions()).OriginPolicy;
        var admitted = Request("http://localhost:5173");
        var refused = Request("https://evil.example");
        var sameHost = Request("http://127.0.0.1:5000", host: "127.0.0.1:5000");
        bool Check() => listed.IsAllowed(admitted) & !listed.IsAllowed(refused) & sameOrigin.IsAllowed(sameHost) & !sameOrigin.IsAllowed(refused);
        Assert.True(Check());

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool result = Check();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(result);
    }

    private static TheoryData<string, string> Rows(IEnumerable<(string, string)> rows)
    {
        var data = new TheoryData<string, string>();
        foreach (var (first, second) in rows)
        {
            data.Add(first, second);
        }

        return data;
    }

    private static VelithonOptions Options(params string[] origins)
    {
        var options = new VelithonOptions();
        foreach (string origin in origins)
        {
            options.AllowedOrigins.Add(origin);
        }

        return options;
    }

    private static RoutePolicy AttributePolicy(string origin)
    {
        var options = new VelithonOptions();
        var endpoint = new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new AllowedOriginsAttribute(origin)), "/chat");
        return RoutePolicy.For(endpoint, options, RoutePolicy.FromOptions(options));
    }

    private static HttpRequest Request(string origin, string host = "server.example")
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString(host);
        if (origin.Length > 0)
        {
            context.Request.Headers.Origin = origin;
        }

        return context.Request;
    }
}
