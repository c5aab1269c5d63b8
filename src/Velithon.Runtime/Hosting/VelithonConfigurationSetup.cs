using System;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Velithon.Hosting;

/// <summary>
/// Binds the <c>Velithon</c> section of the application's configuration to <see cref="VelithonOptions"/>, as
/// Kestrel binds its <c>Kestrel</c> section. <c>AddVelithon</c> registers it before the code's own delegate, so
/// configuration comes first and code wins. The binding is source-generated (EnableConfigurationBindingGenerator):
/// no reflection, nothing for the trimmer to warn about.
/// </summary>
internal sealed class VelithonConfigurationSetup(IServiceProvider services) : IConfigureOptions<VelithonOptions>
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Velithon";

    public void Configure(VelithonOptions options)
    {
        // A host always has an IConfiguration; a bare service provider (a benchmark, a unit test) may not.
        if (services.GetService<IConfiguration>() is not { } configuration)
        {
            return;
        }

        // A key that matches no option (a typo such as Velithon:MaxMesageSize) fails at start rather than being ignored.
        configuration.GetSection(SectionName).Bind(options, static binder => binder.ErrorOnUnknownConfiguration = true);
    }
}
