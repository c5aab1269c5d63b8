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

        // Keys that match no option are left alone, as ASP.NET Core's own sections do: the section is shared with
        // settings of other parts (the demo reads Velithon:Redis for its backplane). A value that does not parse
        // still fails at start, naming its key.
        configuration.GetSection(SectionName).Bind(options);
    }
}
