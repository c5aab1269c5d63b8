using System.IO;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Velithon.Protocol;

namespace Velithon.Benchmarks.Micro;

/// <summary>
/// The work of every opening handshake before the handler runs: checking the client's request (RFC 6455 section
/// 4.2.1, the Connection and Upgrade token lists among it) and computing Sec-WebSocket-Accept (section 4.2.2), beside
/// the same accept value through the platform's SHA-1. Per connection, not per message.
/// </summary>
[MemoryDiagnoser]
public class HandshakeCheckBenchmarks
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private readonly DefaultHttpContext _context = new();

    [GlobalSetup]
    public void Setup()
    {
        _context.Request.Method = "GET";
        _context.Request.Headers.Upgrade = "websocket";
        _context.Request.Headers.Connection = "keep-alive, Upgrade";
        _context.Request.Headers.SecWebSocketKey = Key;
        _context.Request.Headers.SecWebSocketVersion = "13";
        _context.Features.Set<IHttpUpgradeFeature>(new UpgradableRequest());
    }

    [Benchmark]
    public bool CheckHandshake() => WebSocketHandshake.Check(_context) is null;

    [Benchmark(Baseline = true)]
    public string AcceptKey() => WebSocketHandshake.ComputeAcceptKey(Key);

    [Benchmark]
    public string AcceptKeyThroughPlatformSha1()
    {
        Span<byte> input = stackalloc byte[60];
        System.Text.Encoding.ASCII.GetBytes(Key, input);
        "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8.CopyTo(input.Slice(24));
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // The platform's SHA-1, for comparison: RFC 6455 section 4.2.2 fixes SHA-1 here.
        System.Security.Cryptography.SHA1.HashData(input, hash);
#pragma warning restore CA5350
        return Convert.ToBase64String(hash);
    }

    private sealed class UpgradableRequest : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => true;

        public Task<Stream> UpgradeAsync() => throw new NotSupportedException("The benchmark only checks the request.");
    }
}
