using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators;

/// <summary>
/// Names the generated handler classes. A handler's class is named after it (<c>Chat.Room</c> becomes
/// <c>Chat_Room</c>). Handlers whose names flatten to the same one (overloads, <c>A.B_C</c> and <c>A_B.C</c>)
/// are numbered in route order (<c>Odd_Handle</c>, <c>Odd_Handle_2</c>), and a name the route table class uses
/// itself is numbered too. Only those handlers are renamed, so the renaming is usually empty: an edit to one
/// handler leaves every other handler's name, and so its generated file, as it was.
/// </summary>
internal static class HandlerNames
{
    // The route table class's own member, and its own name (a nested class may not share it, CS0542).
    private const string MapMethod = "Map";
    private const string RouteTablePrefix = "VelithonRouteTable_";

    /// <summary>The handlers whose class cannot have the handler's own name, with the name it gets.</summary>
    public static EquatableArray<HandlerRename> FindRenames(ImmutableArray<HandlerSpec> handlers)
    {
        var taken = new HashSet<string>(handlers.Select(static h => h.IdentifierName), StringComparer.Ordinal);
        var renames = new List<HandlerRename>();
        var groups = handlers
            .GroupBy(static h => h.IdentifierName, StringComparer.Ordinal)
            .Where(static g => g.Count() > 1 || IsReserved(g.Key))
            .OrderBy(static g => g.Key, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var ordered = group
                .OrderBy(static h => h.Route.Pattern, StringComparer.Ordinal)
                .ThenBy(static h => h.HandlerName, StringComparer.Ordinal)
                .ThenBy(static h => h.Parameters.Count)
                .ToList();
            int suffix = 2;
            for (int i = IsReserved(group.Key) ? 0 : 1; i < ordered.Count; i++)
            {
                string name;
                do
                {
                    name = group.Key + "_" + suffix++;
                }
                while (!taken.Add(name));

                renames.Add(new HandlerRename(ordered[i], name));
            }
        }

        return new EquatableArray<HandlerRename>(renames.ToArray());
    }

    /// <summary><paramref name="handler"/> with the name of its generated class.</summary>
    public static HandlerSpec Apply(HandlerSpec handler, EquatableArray<HandlerRename> renames)
    {
        foreach (var rename in renames)
        {
            if (rename.Handler == handler)
            {
                return handler with { IdentifierName = rename.Name };
            }
        }

        return handler;
    }

    private static bool IsReserved(string name) =>
        name == MapMethod || name.StartsWith(RouteTablePrefix, StringComparison.Ordinal);
}
