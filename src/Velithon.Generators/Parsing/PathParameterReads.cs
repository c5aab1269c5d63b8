using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Velithon.Generators.Parsing;

/// <summary>One read of <c>ws.PathParameters</c> with a constant key, for example <c>ws.PathParameters["room_id"]</c>.</summary>
/// <param name="Key">The constant key.</param>
/// <param name="Location">The key's expression, where a key the template lacks is reported.</param>
internal sealed record PathParameterRead(string Key, Location Location);

/// <summary>
/// The route values a handler reads by name through <c>WebSocket.PathParameters</c> (or
/// <c>HttpRequest.RouteValues</c>, the same dictionary), as the Python original reads
/// <c>websocket.path_params["room_id"]</c>. A route parameter read this way is used even though no
/// method parameter takes it.
/// </summary>
/// <param name="Reads">The reads with a constant key: a literal, a <c>const</c> string or <c>nameof</c>.</param>
/// <param name="HasUnknownReads">
/// True when the dictionary is used in a way that reads keys the generator cannot know (a computed key,
/// enumeration, passing it along), or the <c>WebSocket</c> itself is passed to another method: then every
/// route parameter may be read, and none is reported unused.
/// </param>
internal sealed record PathParameterUsage(IReadOnlyList<PathParameterRead> Reads, bool HasUnknownReads)
{
    public static readonly PathParameterUsage None = new([], false);

    /// <summary>Finds the reads in the declarations of <paramref name="handler"/>: a method's body, or every member of an endpoint class.</summary>
    public static PathParameterUsage Find(ISymbol handler, KnownTypes knownTypes, CancellationToken cancellationToken)
    {
        var properties = new List<IPropertySymbol>();
        AddProperty(properties, knownTypes.WebSocket, "PathParameters");
        AddProperty(properties, knownTypes.HttpRequest, "RouteValues");
        if (properties.Count == 0)
        {
            return None;
        }

        var reads = new List<PathParameterRead>();
        bool unknown = false;
        foreach (var reference in handler.DeclaringSyntaxReferences)
        {
            var root = reference.GetSyntax(cancellationToken);
            SemanticModel? model = null;
            foreach (var name in root.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                string text = name.Identifier.ValueText;
                if (text != "PathParameters" && text != "RouteValues")
                {
                    // The connection passed to another method (Helper(ws)): that method may read any key.
                    if (!unknown && name.Parent is ArgumentSyntax && knownTypes.WebSocket is not null)
                    {
                        model ??= knownTypes.Compilation.GetSemanticModel(root.SyntaxTree);
                        var type = model.GetTypeInfo(name, cancellationToken).Type;
                        unknown = SymbolEqualityComparer.Default.Equals(type, knownTypes.WebSocket);
                    }

                    continue;
                }

                model ??= knownTypes.Compilation.GetSemanticModel(root.SyntaxTree);
                if (model.GetSymbolInfo(name, cancellationToken).Symbol is not IPropertySymbol property
                    || !properties.Contains(property, SymbolEqualityComparer.Default))
                {
                    continue;
                }

                var key = FindKey(name, model, cancellationToken);
                if (key is null)
                {
                    unknown = true;
                }
                else
                {
                    reads.Add(key);
                }
            }
        }

        return reads.Count == 0 && !unknown ? None : new PathParameterUsage(reads, unknown);
    }

    private static void AddProperty(List<IPropertySymbol> properties, INamedTypeSymbol? type, string name)
    {
        if (type?.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault() is { } property)
        {
            properties.Add(property);
        }
    }

    // ws.PathParameters["key"], ws.PathParameters.TryGetValue("key", out var v), .ContainsKey("key"),
    // .GetValueOrDefault("key"): a constant first argument names the key. Anything else is unknown.
    private static PathParameterRead? FindKey(IdentifierNameSyntax name, SemanticModel model, CancellationToken cancellationToken)
    {
        ExpressionSyntax access = name.Parent is MemberAccessExpressionSyntax member && member.Name == name ? member : name;
        ExpressionSyntax? keyExpression = access.Parent switch
        {
            ElementAccessExpressionSyntax element when element.Expression == access && element.ArgumentList.Arguments.Count == 1
                => element.ArgumentList.Arguments[0].Expression,
            MemberAccessExpressionSyntax call when call.Expression == access
                && call.Parent is InvocationExpressionSyntax invocation
                && invocation.Expression == call
                && invocation.ArgumentList.Arguments.Count > 0
                && call.Name.Identifier.ValueText is "TryGetValue" or "ContainsKey" or "GetValueOrDefault"
                => invocation.ArgumentList.Arguments[0].Expression,
            _ => null,
        };

        if (keyExpression is null)
        {
            return null;
        }

        var constant = model.GetConstantValue(keyExpression, cancellationToken);
        return constant.HasValue && constant.Value is string key
            ? new PathParameterRead(key, keyExpression.GetLocation())
            : null;
    }
}
