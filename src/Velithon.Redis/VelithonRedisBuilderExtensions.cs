using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Velithon.Redis;
using Velithon.Scaling;

namespace Velithon;

/// <summary>Adds the Redis backplane to Velithon.</summary>
public static class VelithonRedisBuilderExtensions
{
    /// <summary>
    /// Makes broadcasts to a group (or to everyone) reach the matching connections of every server of the
    /// application that uses the same Redis and channel prefix:
    /// <c>builder.Services.AddVelithon().AddRedisBackplane("localhost:6379")</c>.
    /// </summary>
    /// <param name="builder">What <c>AddVelithon()</c> returned.</param>
    /// <param name="configuration">The StackExchange.Redis configuration string, for example <c>localhost:6379</c>.</param>
    /// <param name="configure">Further options, such as the channel prefix.</param>
    public static IVelithonBuilder AddRedisBackplane(this IVelithonBuilder builder, string configuration, Action<RedisBackplaneOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);

        builder.Services.AddOptions<RedisBackplaneOptions>()
            .Configure(options =>
            {
                options.Configuration = configuration;
                configure?.Invoke(options);
            })
            .Validate(static options => !string.IsNullOrWhiteSpace(options.ChannelPrefix), "RedisBackplaneOptions.ChannelPrefix must not be empty.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<RedisBackplane>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<WebSocketBackplane, RedisBackplane>(static provider => provider.GetRequiredService<RedisBackplane>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisBackplane>(static provider => provider.GetRequiredService<RedisBackplane>()));
        return builder;
    }
}
