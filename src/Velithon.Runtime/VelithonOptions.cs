using System;
using System.Text.Json;

namespace Velithon;

/// <summary>Options of the Velithon runtime, set with <c>services.AddVelithon(options => ...)</c>.</summary>
public sealed class VelithonOptions
{
    /// <summary>
    /// The largest message, in bytes, a connection accepts after reassembling its fragments. A larger
    /// message closes the connection with 1009 (message too big). Default: 1 MiB.
    /// </summary>
    public int MaxMessageSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long a server-initiated close waits for the peer's close frame before the connection is
    /// aborted (RFC 6455 section 7.1.1). Default: 5 seconds.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the server sends a keep-alive frame to each connection; <see cref="TimeSpan.Zero"/>
    /// disables them. Default: 30 seconds.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What an endpoint with typed JSON messages (<see cref="OnMessageAttribute"/>) does with a message it
    /// cannot dispatch: close the connection (the default) or answer with an error message and go on.
    /// </summary>
    public InvalidMessageBehavior InvalidMessageBehavior { get; set; } = InvalidMessageBehavior.Close;

    /// <summary>
    /// The serializer options of the JSON calls that take no <c>JsonTypeInfo</c>. For Native AOT, add a
    /// source-generated context: <c>options.JsonSerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default)</c>.
    /// </summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);
}
