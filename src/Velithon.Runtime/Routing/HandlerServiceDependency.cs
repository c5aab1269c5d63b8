using System;
using System.ComponentModel;

namespace Velithon.Routing;

/// <summary>
/// A service a handler parameter (or an endpoint class's constructor parameter) takes from dependency
/// injection, as the generated route table declares it. <c>MapWebSocketRoute</c> checks each one when the
/// routes are mapped, at application start, so a service that is not registered fails the start with a
/// message naming the handler and the parameter, not every handshake with 500. Infrastructure: it exists for
/// generated code and is hidden from IntelliSense; applications do not create it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class HandlerServiceDependency
{
    /// <summary>Creates the declaration of one required service.</summary>
    /// <param name="parameterName">The parameter's name in C#.</param>
    /// <param name="serviceType">The service type the parameter is resolved as.</param>
    /// <param name="serviceTypeName">The service type as C# writes it, for the error message.</param>
    /// <param name="serviceKey">The key of a <c>[FromKeyedServices]</c> parameter; null for an unkeyed service.</param>
    /// <param name="isConstructorParameter">True for a parameter of an endpoint class's constructor.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public HandlerServiceDependency(string parameterName, Type serviceType, string serviceTypeName, object? serviceKey, bool isConstructorParameter)
    {
        ArgumentNullException.ThrowIfNull(parameterName);
        ArgumentNullException.ThrowIfNull(serviceType);
        ArgumentNullException.ThrowIfNull(serviceTypeName);
        ParameterName = parameterName;
        ServiceType = serviceType;
        ServiceTypeName = serviceTypeName;
        ServiceKey = serviceKey;
        IsConstructorParameter = isConstructorParameter;
    }

    /// <summary>The parameter's name in C#.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public string ParameterName { get; }

    /// <summary>The service type the parameter is resolved as.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Type ServiceType { get; }

    /// <summary>The service type as C# writes it.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public string ServiceTypeName { get; }

    /// <summary>The service key, or null for an unkeyed service.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public object? ServiceKey { get; }

    /// <summary>True for a parameter of an endpoint class's constructor.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public bool IsConstructorParameter { get; }
}
