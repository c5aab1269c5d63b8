using System.ComponentModel;
using System.Net;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Binding;
using Velithon.Endpoints;

namespace Velithon.Generators.Tests;

/// <summary>
/// The runtime API that generated code calls: hidden from IntelliSense member by member, the only part of the
/// runtime that generated code names, and typed by <see cref="WebSocket"/> so the runtime's connection type stays
/// internal.
/// </summary>
public sealed class InfrastructureApiTests
{
    private static readonly Assembly Runtime = typeof(Velithon.Routing.WebSocketRouteBuilderExtensions).Assembly;

    [Fact]
    public void RuntimeAssembly_ExportsNoWebSocketImplementation()
    {
        var implementations = Runtime.GetExportedTypes()
            .Where(type => typeof(WebSocket).IsAssignableFrom(type))
            .Select(type => type.FullName);

        Assert.Empty(implementations);
    }

    [Fact]
    public void InfrastructureTypes_HideEveryPublicMember()
    {
        var infrastructure = Runtime.GetExportedTypes().Where(IsHidden).OrderBy(type => type.FullName, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [
                "Velithon.Binding.HandshakeBinder",
                "Velithon.Contracts.ContractDispatch",
                "Velithon.Contracts.ContractMessage",
                "Velithon.Contracts.ContractMessages",
                "Velithon.Contracts.ValidationErrors",
                "Velithon.Endpoints.DiscriminatorResult",
                "Velithon.Endpoints.JsonMessages",
                "Velithon.Endpoints.WebSocketEndpointRunner",
                "Velithon.Routing.GeneratedFileEndpoints",
                "Velithon.Routing.HandlerServiceDependency",
                "Velithon.Routing.VelithonGeneratedFileAttribute",
                "Velithon.Routing.VelithonRouteTableAttribute",
                "Velithon.Routing.WebSocketRouteBuilderExtensions",
            ],
            infrastructure.Select(type => type.FullName));

        // A delegate's members (Invoke, BeginInvoke, ...) are the compiler's and carry no attribute: the hidden type is what counts.
        var members = infrastructure
            .Where(type => !typeof(Delegate).IsAssignableFrom(type))
            .SelectMany(type => type.GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(member => member is not (MethodInfo { IsSpecialName: true } or FieldInfo { IsSpecialName: true }))
            .ToList();
        Assert.Contains(members, member => member.Name == nameof(HandshakeBinder.RejectAsync));
        Assert.Empty(members.Where(member => !IsHidden(member)).Select(member => $"{member.DeclaringType!.FullName}.{member.Name}"));
    }

    [Fact]
    public void GeneratedCode_NamesOnlyHiddenRuntimeApi()
    {
        var compilation = GeneratorHarness.CreateCompilation(SnapshotTests.Usings + """
            namespace Demo;

            public interface IRooms { }
            public sealed record Say(string Text);

            // Written by hand: the System.Text.Json generator does not run in these test compilations.
            [JsonSerializable(typeof(Say))]
            public sealed class ChatJsonContext() : JsonSerializerContext(null)
            {
                public static ChatJsonContext Default { get; } = new();
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
            }

            public static class Rooms
            {
                [WebSocketCompression]
                [WebSocket("/rooms/<int:id>")]
                public static Task Join(WebSocket ws, int id, [FromQuery] string token, IRooms rooms) => Task.CompletedTask;
            }

            [WebSocket("/chat/<room>")]
            [JsonMessages(typeof(ChatJsonContext))]
            public sealed class ChatEndpoint(string room, IRooms rooms) : WebSocketEndpoint
            {
                [OnMessage("say")]
                public ValueTask OnSay(WebSocket ws, Say say) => ws.SendTextAsync(room + rooms + say.Text);
            }
            """);
        var (_, output, _) = GeneratorHarness.Run(compilation);
        GeneratorHarness.AssertClean(output);

        var named = new SortedSet<string>(StringComparer.Ordinal);
        var visible = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var tree in output.SyntaxTrees.Skip(compilation.SyntaxTrees.Count()))
        {
            var model = output.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes().Where(node => node is ExpressionSyntax or AttributeSyntax))
            {
                if (model.GetSymbolInfo(node).Symbol?.OriginalDefinition is not { } symbol
                    || symbol is INamespaceSymbol or IMethodSymbol { MethodKind: MethodKind.BuiltinOperator }
                    || symbol.ContainingAssembly?.Name != Runtime.GetName().Name)
                {
                    continue;
                }

                string name = symbol.ToDisplayString();
                named.Add(name);
                if (!IsHidden(symbol))
                {
                    visible.Add(name);
                }
            }
        }

        // The test sees the calls it is about: refusing a handshake, running an endpoint, mapping a route.
        Assert.Contains("Velithon.Binding.HandshakeBinder.RejectAsync(Velithon.WebSocket, int, string)", named);
        Assert.Contains(named, name => name.StartsWith("Velithon.Endpoints.WebSocketEndpointRunner.RunAsync<TEndpoint>(Velithon.WebSocket, ", StringComparison.Ordinal));
        Assert.Contains(named, name => name.StartsWith("Velithon.Routing.WebSocketRouteBuilderExtensions.MapWebSocketRoute(", StringComparison.Ordinal));
        Assert.Empty(visible);
    }

    [Fact]
    public async Task RejectAsync_AnotherWebSocketImplementation_ThrowsInvalidOperationException()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => HandshakeBinder.RejectAsync(new ForeignWebSocket(), 400, "no"));

        Assert.Contains(nameof(ForeignWebSocket), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AnotherWebSocketImplementation_ThrowsInvalidOperationException()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(
            () => WebSocketEndpointRunner.RunAsync(new ForeignWebSocket(), new EmptyEndpoint(), static (_, _, _) => default));

        Assert.Contains(nameof(ForeignWebSocket), exception.Message, StringComparison.Ordinal);
    }

    private static bool IsHidden(MemberInfo member) =>
        member.GetCustomAttribute<EditorBrowsableAttribute>() is { State: EditorBrowsableState.Never };

    /// <summary>A symbol is hidden when it carries EditorBrowsable(Never), and so does every type that contains it.</summary>
    private static bool IsHidden(ISymbol symbol)
    {
        for (var current = symbol; current is not null and not INamespaceSymbol; current = current.ContainingSymbol)
        {
            bool hidden = current.GetAttributes().Any(attribute =>
                attribute.AttributeClass?.ToDisplayString() == typeof(EditorBrowsableAttribute).FullName
                && attribute.ConstructorArguments is [{ Value: (int)EditorBrowsableState.Never }]);
            if (!hidden)
            {
                return false;
            }
        }

        return true;
    }

    private sealed class EmptyEndpoint : WebSocketEndpoint
    {
    }

    /// <summary>A <see cref="WebSocket"/> that is not the runtime's; the infrastructure API must refuse it before using any member.</summary>
    private sealed class ForeignWebSocket : WebSocket
    {
        public override HttpContext HttpContext => throw new NotSupportedException();
        public override Uri Url => throw new NotSupportedException();
        public override IPEndPoint? Client => throw new NotSupportedException();
        public override string ConnectionId => throw new NotSupportedException();
        public override string? UserId => throw new NotSupportedException();
        public override IReadOnlyList<string> RequestedSubProtocols => throw new NotSupportedException();
        public override string? SubProtocol => throw new NotSupportedException();
        public override WebSocketState ClientState => throw new NotSupportedException();
        public override WebSocketState ApplicationState => throw new NotSupportedException();
        public override CancellationToken Aborted => throw new NotSupportedException();
        public override int? CloseCode => throw new NotSupportedException();
        public override string? CloseReason => throw new NotSupportedException();
        public override Task AcceptAsync(string? subProtocol = null, IEnumerable<KeyValuePair<string, string>>? headers = null) => throw new NotSupportedException();
        public override Task CloseAsync(int code = WebSocketCloseCode.NormalClosure, string? reason = null) => throw new NotSupportedException();
        public override ValueTask SendTextAsync(string text, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override ValueTask SendBytesAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override ValueTask SendJsonAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override ValueTask SendJsonAsync<T>(T value, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override ValueTask<WebSocketMessage> ReceiveAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override ValueTask<string> ReceiveTextAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override ValueTask<byte[]> ReceiveBytesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override ValueTask<T?> ReceiveJsonAsync<T>(JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) where T : default => throw new NotSupportedException();
        public override ValueTask<T?> ReceiveJsonAsync<T>(CancellationToken cancellationToken = default) where T : default => throw new NotSupportedException();
    }
}
