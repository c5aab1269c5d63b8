using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Velithon.Runtime.Tests;

/// <summary>
/// What <c>AddVelithon()</c> registers costs the start nothing it can avoid: each of its services is built by a
/// factory, not found by reflection over a constructor, and the options' generic services are registered closed, so
/// the container does not make <c>OptionsMonitor&lt;VelithonOptions&gt;</c> and its kin at run time (on Native AOT
/// with the type loader). The closed services behave as the open ones did: the application's own monitor, setups,
/// post-configures, validators and change token sources all still count, and a second <c>AddVelithon()</c> adds nothing twice.
/// </summary>
public sealed class ServiceRegistrationTests
{
    [Fact]
    public void AddVelithon_RegistersItsServicesWithFactoriesOrInstances()
    {
        var services = new ServiceCollection();
        services.AddVelithon();

        var runtime = typeof(VelithonOptions).Assembly;
        var byType = services
            .Where(descriptor => descriptor.ServiceType.Assembly == runtime
                || descriptor.ImplementationType?.Assembly == runtime
                || descriptor.ServiceType.GenericTypeArguments.Contains(typeof(VelithonOptions)))
            .Where(descriptor => descriptor.ImplementationType is not null)
            .Select(descriptor => $"{descriptor.ServiceType.Name} => {descriptor.ImplementationType!.Name}")
            .ToList();

        Assert.Empty(byType);
    }

    [Theory]
    [InlineData(typeof(IOptionsMonitor<VelithonOptions>))]
    [InlineData(typeof(IOptionsFactory<VelithonOptions>))]
    [InlineData(typeof(IOptionsMonitorCache<VelithonOptions>))]
    public void AddVelithon_RegistersTheOptionsServicesClosed(Type serviceType)
    {
        var services = new ServiceCollection();
        services.AddVelithon();

        Assert.Single(services, descriptor => descriptor.ServiceType == serviceType && descriptor.ImplementationFactory is not null);
    }

    [Fact]
    public void TheClosedOptionsServices_BuildTheOptionsOnceFromConfigurationAndCode()
    {
        int configured = 0;
        var services = new ServiceCollection();
        services.AddVelithon(options =>
        {
            configured++;
            options.MaxMessageSize = 4096;
        });
        services.Configure<VelithonOptions>(options => options.BroadcastQueueLimit = 7);
        using var provider = services.BuildServiceProvider();

        var monitor = provider.GetRequiredService<IOptionsMonitor<VelithonOptions>>();

        Assert.Equal(4096, monitor.CurrentValue.MaxMessageSize);
        Assert.Equal(7, monitor.CurrentValue.BroadcastQueueLimit);
        Assert.Same(monitor.CurrentValue, provider.GetRequiredService<IOptionsMonitor<VelithonOptions>>().CurrentValue);
        Assert.Equal(1, configured);
    }

    [Fact]
    public void AnApplicationsOwnOptionsMonitor_RegisteredFirst_IsKept()
    {
        var own = new StaticOptionsMonitor(new VelithonOptions { MaxMessageSize = 123 });
        var services = new ServiceCollection();
        services.AddSingleton<IOptionsMonitor<VelithonOptions>>(own);
        services.AddVelithon();
        using var provider = services.BuildServiceProvider();

        Assert.Same(own, provider.GetRequiredService<IOptionsMonitor<VelithonOptions>>());
    }

    [Fact]
    public void TheClosedOptionsServices_RunTheApplicationsConfigurePostConfigureAndValidators()
    {
        var services = new ServiceCollection();
        services.AddVelithon(options => options.MaxMessageSize = 4096);
        services.AddSingleton<IConfigureOptions<VelithonOptions>>(new ConfigureOptions<VelithonOptions>(options => options.BroadcastQueueLimit = 9));
        services.PostConfigure<VelithonOptions>(options => options.MaxMessageSize *= 2);
        services.AddSingleton<IValidateOptions<VelithonOptions>>(
            new ValidateOptions<VelithonOptions>(Options.DefaultName, options => options.BroadcastQueueLimit != 9, "the application's own validator ran"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<VelithonOptions>>().CurrentValue);
        Assert.Equal(["the application's own validator ran"], error.Failures);

        var factory = provider.GetRequiredService<IOptionsFactory<VelithonOptions>>();
        var built = Assert.Throws<OptionsValidationException>(() => factory.Create(Options.DefaultName));
        Assert.Equal(["the application's own validator ran"], built.Failures);
    }

    [Fact]
    public void TheClosedOptionsServices_ApplyPostConfigureAfterEveryConfigure()
    {
        var services = new ServiceCollection();
        services.AddVelithon(options => options.MaxMessageSize = 4096);
        services.PostConfigure<VelithonOptions>(options => options.MaxMessageSize *= 2);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(8192, provider.GetRequiredService<IOptionsMonitor<VelithonOptions>>().CurrentValue.MaxMessageSize);
        Assert.Equal(8192, provider.GetRequiredService<IOptions<VelithonOptions>>().Value.MaxMessageSize);
    }

    [Fact]
    public void TheClosedOptionsMonitor_ListensToTheApplicationsChangeTokenSources()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["MaxMessageSize"] = "1024" })
            .Build();
        var services = new ServiceCollection();
        services.AddVelithon();
        services.Configure<VelithonOptions>(configuration);
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<VelithonOptions>>();
        Assert.Equal(1024, monitor.CurrentValue.MaxMessageSize);
        int changes = 0;
        using var listening = monitor.OnChange((_, _) => changes++);

        configuration["MaxMessageSize"] = "2048";
        configuration.Reload();

        Assert.Equal(1, changes);
        Assert.Equal(2048, monitor.CurrentValue.MaxMessageSize);
    }

    [Fact]
    public void ASecondAddVelithon_AddsNoSecondHostedServiceValidatorOrMatcherPolicy()
    {
        var services = new ServiceCollection();
        services.AddVelithon();
        var once = Count(services);

        services.AddVelithon();

        Assert.Equal(once, Count(services));

        static (int HostedServices, int Validators, int Policies, int Setups) Count(ServiceCollection services) => (
            services.Count(descriptor => descriptor.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService)),
            services.Count(descriptor => descriptor.ServiceType == typeof(IValidateOptions<VelithonOptions>)),
            services.Count(descriptor => descriptor.ServiceType == typeof(Microsoft.AspNetCore.Routing.MatcherPolicy)),
            services.Count(descriptor => descriptor.ServiceType == typeof(IConfigureOptions<VelithonOptions>)));
    }

    private sealed class StaticOptionsMonitor(VelithonOptions value) : IOptionsMonitor<VelithonOptions>
    {
        public VelithonOptions CurrentValue => value;

        public VelithonOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<VelithonOptions, string?> listener) => null;
    }
}
