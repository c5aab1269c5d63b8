namespace Velithon.Redis.Tests;

/// <summary>One redis-server for a test class.</summary>
public sealed class SingleRedisFixture : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public async Task InitializeAsync() => Redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Redis.DisposeAsync();
}
