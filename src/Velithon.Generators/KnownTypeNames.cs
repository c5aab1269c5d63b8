namespace Velithon.Generators;

/// <summary>Metadata names of the types the generator recognizes; it references none of their assemblies.</summary>
internal static class KnownTypeNames
{
    public const string WebSocketAttribute = "Velithon.WebSocketAttribute";
    public const string WebSocket = "Velithon.WebSocket";
    public const string VelithonRouteTableAttribute = "Velithon.Routing.VelithonRouteTableAttribute";
    public const string WebSocketEndpoint = "Velithon.WebSocketEndpoint";
    public const string OnMessageAttribute = "Velithon.OnMessageAttribute";
    public const string JsonMessagesAttribute = "Velithon.JsonMessagesAttribute";
    public const string WebSocketContractAttribute = "Velithon.WebSocketContractAttribute";
    public const string WebSocketRequest = "Velithon.IWebSocketRequest`1";
    public const string ContractSocket = "Velithon.ContractSocket";
    public const string ContractClient = "Velithon.ContractClient";
    public const string InvalidMessagesAttribute = "Velithon.InvalidMessagesAttribute";
    public const string ResumableSessionAttribute = "Velithon.ResumableSessionAttribute";
    public const string JsonDerivedTypeAttribute = "System.Text.Json.Serialization.JsonDerivedTypeAttribute";
    public const string JsonPropertyNameAttribute = "System.Text.Json.Serialization.JsonPropertyNameAttribute";
    public const string ValidationAttribute = "System.ComponentModel.DataAnnotations.ValidationAttribute";
    public const string RequiredAttribute = "System.ComponentModel.DataAnnotations.RequiredAttribute";
    public const string ValidatableObject = "System.ComponentModel.DataAnnotations.IValidatableObject";
    public const string DisplayAttribute = "System.ComponentModel.DataAnnotations.DisplayAttribute";
    public const string WebSocketCompressionAttribute = "Velithon.WebSocketCompressionAttribute";
    public const string MaxMessageSizeAttribute = "Velithon.MaxMessageSizeAttribute";
    public const string IdleTimeoutAttribute = "Velithon.IdleTimeoutAttribute";
    public const string KeepAliveAttribute = "Velithon.KeepAliveAttribute";
    public const string SendTimeoutAttribute = "Velithon.SendTimeoutAttribute";
    public const string BroadcastQueueAttribute = "Velithon.BroadcastQueueAttribute";
    public const string MessageRateLimitAttribute = "Velithon.MessageRateLimitAttribute";
    public const string AllowedOriginsAttribute = "Velithon.AllowedOriginsAttribute";
    public const string MaxConnectionsAttribute = "Velithon.MaxConnectionsAttribute";
    public const string JsonSerializerContext = "System.Text.Json.Serialization.JsonSerializerContext";
    public const string JsonSerializableAttribute = "System.Text.Json.Serialization.JsonSerializableAttribute";
    public const string ActivatorUtilitiesConstructorAttribute = "Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructorAttribute";
    public const string CancellationToken = "System.Threading.CancellationToken";
    public const string Task = "System.Threading.Tasks.Task";
    public const string ValueTask = "System.Threading.Tasks.ValueTask";
    public const string TaskOfT = "System.Threading.Tasks.Task`1";
    public const string ValueTaskOfT = "System.Threading.Tasks.ValueTask`1";
    public const string HttpContext = "Microsoft.AspNetCore.Http.HttpContext";
    public const string HttpRequest = "Microsoft.AspNetCore.Http.HttpRequest";
    public const string HttpResponse = "Microsoft.AspNetCore.Http.HttpResponse";
    public const string Stream = "System.IO.Stream";
    public const string PipeReader = "System.IO.Pipelines.PipeReader";
    public const string FormFile = "Microsoft.AspNetCore.Http.IFormFile";
    public const string FormFileCollection = "Microsoft.AspNetCore.Http.IFormFileCollection";
    public const string FormCollection = "Microsoft.AspNetCore.Http.IFormCollection";
    public const string ClaimsPrincipal = "System.Security.Claims.ClaimsPrincipal";
    public const string Parsable = "System.IParsable`1";
    public const string FromRouteMetadata = "Microsoft.AspNetCore.Http.Metadata.IFromRouteMetadata";
    public const string FromQueryMetadata = "Microsoft.AspNetCore.Http.Metadata.IFromQueryMetadata";
    public const string FromHeaderMetadata = "Microsoft.AspNetCore.Http.Metadata.IFromHeaderMetadata";
    public const string FromServiceMetadata = "Microsoft.AspNetCore.Http.Metadata.IFromServiceMetadata";
    public const string FromBodyMetadata = "Microsoft.AspNetCore.Http.Metadata.IFromBodyMetadata";
    public const string FromFormMetadata = "Microsoft.AspNetCore.Http.Metadata.IFromFormMetadata";
    public const string FromKeyedServicesAttribute = "Microsoft.Extensions.DependencyInjection.FromKeyedServicesAttribute";
}
