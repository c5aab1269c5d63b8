using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Velithon.Runtime.Tests;

/// <summary>
/// <c>wss://</c> on Kestrel: frames go on the connection's own pipes under an HTTP/1.1 upgrade, and with TLS those
/// pipes are the ones Kestrel's HTTPS layer put over the socket, so every byte is still encrypted and decrypted.
/// Masked client frames of every header size (RFC 6455 section 5.2) arrive whole and are echoed whole.
/// </summary>
public sealed class TlsTransportTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private X509Certificate2 _certificate = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        _certificate = SelfSignedLoopbackCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.UseHttps(_certificate);
        }));
        TestServer.ConfigureServices(builder);
        _app = builder.Build();
        _app.MapVelithon();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _base = new Uri(address.Replace("https://", "wss://", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(300)] // longer than the read buffer
    [InlineData(60_000)] // a 4-byte extended length, many TLS records
    public async Task Echo_OverTls_ArrivesWhole_BothWays(int size)
    {
        using var client = await Client.ConnectAsync(new Uri(_base, "/conformance/echo"), TrustTheTestCertificate);
        byte[] payload = Enumerable.Range(0, size).Select(i => (byte)(i * 13)).ToArray();
        for (int round = 0; round < 3; round++)
        {
            await client.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            var (type, data) = await client.ReceiveMessageAsync();
            Assert.Equal(WebSocketMessageType.Binary, type);
            Assert.Equal(payload, data);
        }

        byte[] text = Encoding.UTF8.GetBytes("über TLS, ✓");
        await client.SendAsync(text, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var (textType, textData) = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, textType);
        Assert.Equal(text, textData);

        using var timeout = new CancellationTokenSource(Client.Timeout);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    private void TrustTheTestCertificate(ClientWebSocketOptions options) =>
        options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetCertHashString() == _certificate.GetCertHashString();

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel needs the private key in a form the platform's TLS can use: a PKCS #12 round trip gives it that.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
