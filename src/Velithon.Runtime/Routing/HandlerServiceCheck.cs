using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace Velithon.Routing;

/// <summary>
/// Checks, when a route is mapped, that every service its handler requires is registered. Mapping happens
/// after <c>builder.Build()</c>, so the container is complete; a container without
/// <see cref="IServiceProviderIsService"/> cannot be asked, and is not checked.
/// </summary>
internal static class HandlerServiceCheck
{
    public static void ThrowIfMissing(IServiceProvider services, string handlerName, IReadOnlyList<HandlerServiceDependency> dependencies)
    {
        if (dependencies.Count == 0 || services.GetService<IServiceProviderIsService>() is not { } isService)
        {
            return;
        }

        var isKeyedService = isService as IServiceProviderIsKeyedService;
        foreach (var dependency in dependencies)
        {
            bool registered = dependency.ServiceKey is null
                ? isService.IsService(dependency.ServiceType)
                : isKeyedService is null || isKeyedService.IsKeyedService(dependency.ServiceType, dependency.ServiceKey);
            if (!registered)
            {
                throw new InvalidOperationException(Describe(handlerName, dependency));
            }
        }
    }

    internal static string Describe(string handlerName, HandlerServiceDependency dependency)
    {
        string owner = dependency.IsConstructorParameter ? $"{handlerName}'s constructor parameter" : $"{handlerName}'s parameter";
        string type = dependency.ServiceTypeName;
        if (dependency.ServiceKey is null)
        {
            return $"{owner} '{dependency.ParameterName}' needs {type}, which is not registered: add builder.Services.AddSingleton<{type}, ...>() "
                + "(or AddScoped, AddTransient) before builder.Build(), or make the parameter nullable if the service is optional.";
        }

        string key = dependency.ServiceKey is string text ? $"\"{text}\"" : Convert.ToString(dependency.ServiceKey, CultureInfo.InvariantCulture) ?? "";
        return $"{owner} '{dependency.ParameterName}' needs {type} with the key {key}, which is not registered: add "
            + $"builder.Services.AddKeyedSingleton<{type}, ...>({key}) (or AddKeyedScoped, AddKeyedTransient) before builder.Build(), "
            + "or make the parameter nullable if the service is optional.";
    }
}
