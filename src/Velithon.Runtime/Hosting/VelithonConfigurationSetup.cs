using System;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Velithon.Hosting;

/// <summary>
/// Binds the <c>Velithon</c> section of the application's configuration to <see cref="VelithonOptions"/>, as
/// Kestrel binds its <c>Kestrel</c> section. <c>AddVelithon</c> registers it before the code's own delegate, so
/// configuration comes first and code wins. A key that matches no option fails the start, naming it. The binding is source-generated (EnableConfigurationBindingGenerator):
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

        // A key that matches no option is a mistake (a typo would otherwise leave the default in force without a
        // word), so it fails the start naming the key; so does a value that does not parse.
        var section = configuration.GetSection(SectionName);
        RequireListShape(section.GetSection(nameof(VelithonOptions.AllowedOrigins)));
        section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
    }

    // The binder reads a list from numbered children (Velithon:AllowedOrigins:0, ...) and ignores a plain value
    // at the list's own key, the shape an environment variable takes first (Velithon__AllowedOrigins=...).
    private static void RequireListShape(IConfigurationSection list)
    {
        if (list.Value is not null)
        {
            throw new InvalidOperationException(
                $"Configuration value '{list.Value}' at '{list.Path}' is a single value, but {list.Key} is a list: give each entry its own index "
                + $"('{list.Path}:0', '{list.Path}:1', ...; in the environment {list.Path.Replace(":", "__", StringComparison.Ordinal)}__0=...).");
        }
    }
}
