using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Velithon.Binding;

namespace Velithon.Benchmarks.Micro;

/// <summary>
/// The work generated binding code does per handshake: read a route, query and header value and parse
/// them with the invariant culture. Allocation here is per connection, not per message.
/// </summary>
[MemoryDiagnoser]
public class HandshakeBindingBenchmarks
{
    private readonly DefaultHttpContext _context = new();

    [GlobalSetup]
    public void Setup()
    {
        _context.Request.RouteValues["id"] = "12345";
        _context.Request.RouteValues["key"] = "6f9619ff-8b86-d011-b42d-00cf4fc964ff";
        _context.Request.QueryString = new QueryString("?token=abc&page=3&mode=Write");
        _context.Request.Headers["X-Client"] = "bench";
    }

    [Benchmark(Baseline = true)]
    public int BindRouteQueryAndHeader()
    {
        var idText = HandshakeBinder.GetRouteValue(_context, "id");
        HandshakeBinder.TryParseInteger<int>(idText, out int id);
        HandshakeBinder.TryParse<Guid>(HandshakeBinder.GetRouteValue(_context, "key"), out var key);
        var token = HandshakeBinder.GetQueryValue(_context, "token");
        HandshakeBinder.TryParseInteger<int>(HandshakeBinder.GetQueryValue(_context, "page"), out int page);
        HandshakeBinder.TryParseEnum<Mode>(HandshakeBinder.GetQueryValue(_context, "mode"), out var mode);
        var client = HandshakeBinder.GetHeaderValue(_context, "X-Client");
        return id + page + (int)mode + key.GetHashCode() + (token?.Length ?? 0) + (client?.Length ?? 0);
    }

    [Benchmark]
    public bool RejectInvalidInteger() => HandshakeBinder.TryParseInteger<int>("12a45", out _);

    public enum Mode
    {
        Read,
        Write,
    }
}
