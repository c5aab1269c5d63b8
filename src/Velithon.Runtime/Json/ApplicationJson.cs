using System;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Velithon.Connections;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Velithon.Json;

/// <summary>
/// The JSON metadata of the calls that take no <see cref="JsonTypeInfo{T}"/>: the application's HTTP JSON options
/// (<see cref="HttpJsonOptions.SerializerOptions"/>, set with <c>ConfigureHttpJsonOptions</c>), exactly what
/// minimal APIs serialize with. Their resolver is reflection-based unless the app is trimmed or published
/// with Native AOT (<see cref="JsonSerializer.IsReflectionEnabledByDefault"/>); then only the source-generated
/// contexts the app registers know any type, and a missing one fails with a message that names the fix.
/// </summary>
/// <remarks>
/// The options are resolved on the first JSON call, not when the runtime is built: resolving
/// <see cref="IOptions{TOptions}"/> of <see cref="HttpJsonOptions"/> makes its closed generic types with the type
/// loader on Native AOT, a cost every start would pay for apps that never send JSON.
/// </remarks>
internal sealed class ApplicationJson(IServiceProvider services)
{
    private JsonSerializerOptions? _serializerOptions;

    /// <summary>The options, read once: the first serialization makes them read-only, as in minimal APIs.</summary>
    public JsonSerializerOptions SerializerOptions =>
        _serializerOptions ??= services.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;

    /// <summary>
    /// The metadata of <typeparamref name="T"/>. After the first call per type the options' own cache answers,
    /// without allocating.
    /// </summary>
    /// <exception cref="InvalidOperationException">No resolver of the options knows <typeparamref name="T"/>; the message says what to add.</exception>
    /// <remarks>
    /// Only a type no resolver knows gets the message about metadata. A resolver that knows the type but finds its
    /// contract invalid (two properties with one JSON name, say) throws its own exception, which names the real
    /// fault, unchanged.
    /// </remarks>
    [RequiresUnreferencedCode(ServerWebSocket.JsonWithoutTypeInfoMessage)]
    [RequiresDynamicCode(ServerWebSocket.JsonWithoutTypeInfoMessage)]
    public JsonTypeInfo<T> GetTypeInfo<T>()
    {
        JsonSerializerOptions serializerOptions = SerializerOptions;
        if (serializerOptions.TypeInfoResolver is not null && serializerOptions.TryGetTypeInfo(typeof(T), out JsonTypeInfo? typeInfo))
        {
            return (JsonTypeInfo<T>)typeInfo;
        }

        throw new InvalidOperationException(MissingMetadataMessage(typeof(T)));
    }

    /// <summary>What to do when the application's JSON options have no metadata for <paramref name="type"/>.</summary>
    [RequiresUnreferencedCode("Lists an anonymous type's properties by reflection, for the message only.")]
    internal static string MissingMetadataMessage(Type type)
    {
        const string Register =
            "register the context with builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJson.Default))";
        if (CSharpTypeName.IsAnonymous(type))
        {
            return $"No JSON metadata for {CSharpTypeName.Format(type)} in the application's JSON options (Microsoft.AspNetCore.Http.Json.JsonOptions). "
                + "A JsonSerializerContext cannot name an anonymous type: declare a record for the message, add "
                + $"[JsonSerializable(typeof(MyMessage))] to a JsonSerializerContext and {Register}, or pass its JsonTypeInfo (AppJson.Default.MyMessage).";
        }

        string name = CSharpTypeName.Format(type);
        return $"No JSON metadata for {name} in the application's JSON options (Microsoft.AspNetCore.Http.Json.JsonOptions). "
            + $"Add [JsonSerializable(typeof({name}))] to a JsonSerializerContext and {Register}, or pass its JsonTypeInfo<{name}> from that context.";
    }
}
