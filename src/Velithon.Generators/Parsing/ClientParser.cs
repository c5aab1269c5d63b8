using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Describes a contract for its typed clients: the cases both ways and the JSON shape of every type they carry,
/// named as the contract's <c>JsonSerializerContext</c> names them, and the routes that speak it, with the values
/// a client gives to connect.
/// </summary>
internal static class ClientParser
{
    /// <summary>The client description of a contract that has no error.</summary>
    public static ClientContractSpec Describe(ContractShape shape, ContractSpec contract, KnownTypes knownTypes, CancellationToken cancellationToken)
    {
        var types = new ClientTypes(JsonNaming.Of(shape.Context), cancellationToken);
        ClientCaseSpec Case(ContractCase @case) => new(
            @case.Tag,
            @case.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            @case.Type.Name,
            types.TypeOf(@case.Type),
            @case.Reply?.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            @case.Reply is null ? null : types.TypeOf(@case.Reply.WithNullableAnnotation(NullableAnnotation.NotAnnotated)));

        var inbound = shape.Inbound.OrderBy(static c => c.Tag, StringComparer.Ordinal).Select(Case).ToArray();
        var outbound = shape.Outbound.OrderBy(static c => c.Tag, StringComparer.Ordinal).Select(Case).ToArray();
        bool isPublic = shape.Socket.DeclaredAccessibility == Accessibility.Public
            && contract.Outbound.All(static c => c.IsPublic)
            && shape.Inbound.All(c => ContractParser.Describe(c).IsPublic);
        for (var outer = shape.Socket.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            isPublic &= outer.DeclaredAccessibility == Accessibility.Public;
        }

        return new ClientContractSpec(
            SocketName: shape.Socket.Name,
            SocketDisplayName: contract.DisplayName,
            SocketTypeName: contract.TypeName,
            Subprotocol: "velithon." + contract.Document.Version,
            Namespace: contract.Namespace,
            ContainingTypes: contract.ContainingTypes,
            IsPublic: isPublic,
            JsonContextTypeName: contract.JsonContextTypeName,
            Inbound: new EquatableArray<ClientCaseSpec>(inbound),
            Outbound: new EquatableArray<ClientCaseSpec>(outbound),
            Types: types.Describe(),
            Routes: new EquatableArray<ClientRouteSpec>([]),
            HasClientRuntime: knownTypes.Compilation.GetTypeByMetadataName(KnownTypeNames.ContractClient) is not null);
    }

    /// <summary>How a client connects to a contract route; null for a route without a contract.</summary>
    public static ClientRouteSpec? DescribeRoute(HandlerSpec handler)
    {
        if (handler.Contract is null)
        {
            return null;
        }

        var parameters = handler.Parameters;
        ClientParameterSpec Value(ParameterSpec parameter, bool catchAll) => new(
            parameter.Name,
            parameter.Key ?? parameter.Name,
            parameter.ClientType.Length == 0 ? "string" : parameter.ClientType,
            parameter.ParsedTypeName + (parameter.IsOptional ? "?" : ""),
            parameter.IsOptional,
            catchAll);

        var path = new List<ClientPathPartSpec>();
        int position = 0;
        string template = handler.Template;
        foreach (var routeParameter in handler.Route.Parameters.OrderBy(static p => p.Offset))
        {
            if (routeParameter.Offset > position)
            {
                path.Add(new ClientPathPartSpec(template.Substring(position, routeParameter.Offset - position), null));
            }

            var bound = parameters.FirstOrDefault(p => p.Source == BindingSource.Route && string.Equals(p.Key, routeParameter.Name, StringComparison.OrdinalIgnoreCase));

            // A route value no parameter binds still has to be in the path: the client sends it as text.
            var value = bound is null
                ? new ClientParameterSpec(routeParameter.Name, routeParameter.Name, "string", "string", false, routeParameter.Converter == RouteConverter.Path)
                : Value(bound, routeParameter.Converter == RouteConverter.Path) with { IsOptional = false, CSharpTypeName = bound.ParsedTypeName };
            path.Add(new ClientPathPartSpec(null, value));
            position = routeParameter.Offset + routeParameter.Length;
        }

        if (position < template.Length)
        {
            path.Add(new ClientPathPartSpec(template.Substring(position), null));
        }

        return new ClientRouteSpec(
            handler.Contract.SocketTypeName,
            handler.Template,
            RouteName(handler.Template),
            new EquatableArray<ClientPathPartSpec>(path.ToArray()),
            new EquatableArray<ClientParameterSpec>([.. parameters.Where(static p => p.Source == BindingSource.Query).Select(p => Value(p, false))]),
            new EquatableArray<ClientParameterSpec>([.. parameters.Where(static p => p.Source == BindingSource.Header).Select(p => Value(p, false))]));
    }

    /// <summary>
    /// A contract's routes, each named uniquely: routes are named by the literal segments of their template
    /// (<c>/board/&lt;boardId&gt;</c> is <c>Board</c>), numbered from 2 in template order when two flatten alike.
    /// </summary>
    public static ClientContractSpec WithRoutes(ClientContractSpec contract, IEnumerable<ClientRouteSpec> all, string socketTypeName)
    {
        var routes = all.Where(r => r.SocketTypeName == socketTypeName).OrderBy(static r => r.Template, StringComparer.Ordinal).ToList();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < routes.Count; i++)
        {
            string name = routes[i].Name;
            for (int suffix = 2; !taken.Add(name); suffix++)
            {
                name = routes[i].Name + suffix;
            }

            routes[i] = routes[i] with { Name = name };
        }

        return contract with { Routes = new EquatableArray<ClientRouteSpec>(routes.ToArray()) };
    }

    /// <summary><c>/contract/board-2/&lt;id&gt;</c> as <c>ContractBoard2</c>; <c>Root</c> for a template without literal text.</summary>
    private static string RouteName(string template)
    {
        var name = new StringBuilder();
        bool upper = true;
        int depth = 0;
        foreach (char c in template)
        {
            if (c is '<' or '{')
            {
                depth++;
            }
            else if (c is '>' or '}')
            {
                depth--;
                upper = true;
            }
            else if (depth == 0 && char.IsLetterOrDigit(c) && c < 128)
            {
                if (name.Length == 0 && char.IsDigit(c))
                {
                    name.Append('R');
                }

                name.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else if (depth == 0)
            {
                upper = true;
            }
        }

        return name.Length == 0 ? "Root" : name.ToString();
    }
}
