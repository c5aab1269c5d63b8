using Microsoft.Extensions.DependencyInjection;

namespace Velithon;

/// <summary>What <c>AddVelithon()</c> returns: the place to add a backplane, such as <c>.AddRedisBackplane(...)</c>.</summary>
public interface IVelithonBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
