using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Parsing;

/// <summary>The symbols of <see cref="KnownTypeNames"/> in one compilation; null where the compilation lacks them.</summary>
internal sealed class KnownTypes
{
    public KnownTypes(Compilation compilation)
    {
        Compilation = compilation;
        WebSocket = compilation.GetTypeByMetadataName(KnownTypeNames.WebSocket);
        WebSocketEndpoint = compilation.GetTypeByMetadataName(KnownTypeNames.WebSocketEndpoint);
        OnMessageAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.OnMessageAttribute);
        JsonMessagesAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.JsonMessagesAttribute);
        JsonSerializerContext = compilation.GetTypeByMetadataName(KnownTypeNames.JsonSerializerContext);
        WebSocketContractAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.WebSocketContractAttribute);
        WebSocketRequest = compilation.GetTypeByMetadataName(KnownTypeNames.WebSocketRequest);
        ContractSocket = compilation.GetTypeByMetadataName(KnownTypeNames.ContractSocket);
        JsonDerivedTypeAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.JsonDerivedTypeAttribute);
        JsonPropertyNameAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.JsonPropertyNameAttribute);
        ValidationAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.ValidationAttribute);
        RequiredAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.RequiredAttribute);
        ValidatableObject = compilation.GetTypeByMetadataName(KnownTypeNames.ValidatableObject);
        DisplayAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.DisplayAttribute);
        JsonSerializableAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.JsonSerializableAttribute);
        ActivatorUtilitiesConstructorAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.ActivatorUtilitiesConstructorAttribute);
        CancellationToken = compilation.GetTypeByMetadataName(KnownTypeNames.CancellationToken);
        Task = compilation.GetTypeByMetadataName(KnownTypeNames.Task);
        ValueTask = compilation.GetTypeByMetadataName(KnownTypeNames.ValueTask);
        TaskOfT = compilation.GetTypeByMetadataName(KnownTypeNames.TaskOfT);
        ValueTaskOfT = compilation.GetTypeByMetadataName(KnownTypeNames.ValueTaskOfT);
        WebSocketAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.WebSocketAttribute);
        HttpContext = compilation.GetTypeByMetadataName(KnownTypeNames.HttpContext);
        HttpRequest = compilation.GetTypeByMetadataName(KnownTypeNames.HttpRequest);
        HttpResponse = compilation.GetTypeByMetadataName(KnownTypeNames.HttpResponse);
        Stream = compilation.GetTypeByMetadataName(KnownTypeNames.Stream);
        PipeReader = compilation.GetTypeByMetadataName(KnownTypeNames.PipeReader);
        FormFile = compilation.GetTypeByMetadataName(KnownTypeNames.FormFile);
        FormFileCollection = compilation.GetTypeByMetadataName(KnownTypeNames.FormFileCollection);
        FormCollection = compilation.GetTypeByMetadataName(KnownTypeNames.FormCollection);
        ClaimsPrincipal = compilation.GetTypeByMetadataName(KnownTypeNames.ClaimsPrincipal);
        Parsable = compilation.GetTypeByMetadataName(KnownTypeNames.Parsable);
        FromRouteMetadata = compilation.GetTypeByMetadataName(KnownTypeNames.FromRouteMetadata);
        FromQueryMetadata = compilation.GetTypeByMetadataName(KnownTypeNames.FromQueryMetadata);
        FromHeaderMetadata = compilation.GetTypeByMetadataName(KnownTypeNames.FromHeaderMetadata);
        FromServiceMetadata = compilation.GetTypeByMetadataName(KnownTypeNames.FromServiceMetadata);
        FromBodyMetadata = compilation.GetTypeByMetadataName(KnownTypeNames.FromBodyMetadata);
        FromFormMetadata = compilation.GetTypeByMetadataName(KnownTypeNames.FromFormMetadata);
        FromKeyedServicesAttribute = compilation.GetTypeByMetadataName(KnownTypeNames.FromKeyedServicesAttribute);
    }

    /// <summary>The compilation, for the semantic models of handler bodies.</summary>
    public Compilation Compilation { get; }

    public INamedTypeSymbol? WebSocket { get; }

    public INamedTypeSymbol? WebSocketEndpoint { get; }

    public INamedTypeSymbol? OnMessageAttribute { get; }

    public INamedTypeSymbol? JsonMessagesAttribute { get; }

    public INamedTypeSymbol? JsonSerializerContext { get; }

    public INamedTypeSymbol? JsonSerializableAttribute { get; }

    public INamedTypeSymbol? WebSocketContractAttribute { get; }

    /// <summary><c>IWebSocketRequest&lt;TReply&gt;</c>, unbound.</summary>
    public INamedTypeSymbol? WebSocketRequest { get; }

    public INamedTypeSymbol? ContractSocket { get; }

    public INamedTypeSymbol? JsonDerivedTypeAttribute { get; }

    public INamedTypeSymbol? JsonPropertyNameAttribute { get; }

    public INamedTypeSymbol? ValidationAttribute { get; }

    public INamedTypeSymbol? RequiredAttribute { get; }

    public INamedTypeSymbol? ValidatableObject { get; }

    public INamedTypeSymbol? DisplayAttribute { get; }

    public INamedTypeSymbol? ActivatorUtilitiesConstructorAttribute { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? ValueTask { get; }

    /// <summary><c>Task&lt;T&gt;</c>, unbound.</summary>
    public INamedTypeSymbol? TaskOfT { get; }

    /// <summary><c>ValueTask&lt;T&gt;</c>, unbound.</summary>
    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? WebSocketAttribute { get; }

    public INamedTypeSymbol? HttpContext { get; }

    public INamedTypeSymbol? HttpRequest { get; }

    public INamedTypeSymbol? HttpResponse { get; }

    public INamedTypeSymbol? Stream { get; }

    public INamedTypeSymbol? PipeReader { get; }

    public INamedTypeSymbol? FormFile { get; }

    public INamedTypeSymbol? FormFileCollection { get; }

    public INamedTypeSymbol? FormCollection { get; }

    public INamedTypeSymbol? ClaimsPrincipal { get; }

    public INamedTypeSymbol? Parsable { get; }

    public INamedTypeSymbol? FromRouteMetadata { get; }

    public INamedTypeSymbol? FromQueryMetadata { get; }

    public INamedTypeSymbol? FromHeaderMetadata { get; }

    public INamedTypeSymbol? FromServiceMetadata { get; }

    public INamedTypeSymbol? FromBodyMetadata { get; }

    public INamedTypeSymbol? FromFormMetadata { get; }

    public INamedTypeSymbol? FromKeyedServicesAttribute { get; }
}
