using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Generators.Diagnostics;
using Velithon.Limits;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Checks the constants of Velithon's per-route policy attributes (<c>[MaxMessageSize]</c>, <c>[IdleTimeout]</c>, ...)
/// against what the runtime's <c>RoutePolicy</c> can apply: a value it cannot use is VLT0030 at the argument, so it
/// fails the build rather than the first connection. A value that weakens a safe default of <c>VelithonOptions</c>
/// without a stated <c>Reason</c> is VLT0031, a warning at the attribute.
/// </summary>
internal static class PolicyAttributeChecks
{
    /// <summary>The options' default <c>MaxMessageSize</c>, 1 MiB.</summary>
    internal const int DefaultMaxMessageSize = 1024 * 1024;

    private static readonly HashSet<string> PolicyAttributes =
    [
        KnownTypeNames.MaxMessageSizeAttribute,
        KnownTypeNames.IdleTimeoutAttribute,
        KnownTypeNames.KeepAliveAttribute,
        KnownTypeNames.SendTimeoutAttribute,
        KnownTypeNames.BroadcastQueueAttribute,
        KnownTypeNames.MessageRateLimitAttribute,
        KnownTypeNames.AllowedOriginsAttribute,
        KnownTypeNames.MaxConnectionsAttribute,
    ];

    /// <summary>Whether <paramref name="type"/> is one of the policy attributes.</summary>
    public static bool IsPolicy(INamedTypeSymbol type) => PolicyAttributes.Contains(type.ToDisplayString());

    /// <summary>
    /// Whether a class-level <paramref name="type"/> applies to every static handler of the class: the policy
    /// attributes, <c>[WebSocketCompression]</c>, <c>[InvalidMessages]</c> and <c>[ResumableSession]</c>, which the runtime reads per route in the same way.
    /// </summary>
    public static bool AppliesFromClass(INamedTypeSymbol type) =>
        IsPolicy(type) || type.ToDisplayString() is KnownTypeNames.WebSocketCompressionAttribute or KnownTypeNames.InvalidMessagesAttribute or KnownTypeNames.ResumableSessionAttribute;

    /// <summary>Reports VLT0030 and VLT0031 for <paramref name="attribute"/> when it is a policy attribute.</summary>
    public static void Check(AttributeData attribute, INamedTypeSymbol type, ParseContext context)
    {
        string name = type.ToDisplayString();
        if (!PolicyAttributes.Contains(name))
        {
            return;
        }

        string shortName = type.Name.EndsWith("Attribute", StringComparison.Ordinal) ? type.Name.Substring(0, type.Name.Length - "Attribute".Length) : type.Name;
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) as AttributeSyntax;
        switch (name)
        {
            case KnownTypeNames.MaxMessageSizeAttribute:
                if (AtLeast(attribute, syntax, shortName, 0, 1, "a message size in bytes", context) is { } bytes && bytes > DefaultMaxMessageSize)
                {
                    Weakens(attribute, syntax, context, $"[{shortName}({bytes})]",
                        $"raises the message size limit above the default of {DefaultMaxMessageSize} bytes (1 MiB), so one client can make the server buffer up to {bytes} bytes per message");
                }

                break;
            case KnownTypeNames.IdleTimeoutAttribute:
                AtLeast(attribute, syntax, shortName, 0, 0, "milliseconds, or 0 for no idle timeout", context);
                break;
            case KnownTypeNames.SendTimeoutAttribute:
                if (AtLeast(attribute, syntax, shortName, 0, 0, "milliseconds, or 0 for no send timeout", context) == 0)
                {
                    Weakens(attribute, syntax, context, $"[{shortName}(0)]",
                        "turns the send timeout off, so a client that stops reading holds a send, its buffers and its connection for ever");
                }

                break;
            case KnownTypeNames.KeepAliveAttribute:
                AtLeast(attribute, syntax, shortName, 0, 0, "milliseconds, or 0 for no pings", context);
                NamedAtLeast(attribute, syntax, shortName, "TimeoutMilliseconds", -1, "milliseconds, 0 for no deadline, or -1 to keep the options' timeout", context);
                break;
            case KnownTypeNames.BroadcastQueueAttribute:
                AtLeast(attribute, syntax, shortName, 0, 1, "the number of broadcasts that may wait for one connection", context);
                break;
            case KnownTypeNames.MessageRateLimitAttribute:
                AtLeast(attribute, syntax, shortName, 0, 1, "a token bucket needs at least one token", context);
                AtLeast(attribute, syntax, shortName, 1, 1, "each period must add at least one token", context);
                AtLeast(attribute, syntax, shortName, 2, 1, "the replenishment period is at least 1 millisecond", context);
                break;
            case KnownTypeNames.MaxConnectionsAttribute:
                AtLeast(attribute, syntax, shortName, 0, 1, "a route holds at least one connection; leave the attribute out for no limit of its own", context);
                break;
            case KnownTypeNames.AllowedOriginsAttribute:
                CheckOrigins(attribute, syntax, shortName, context);
                break;
        }
    }

    /// <summary>The constructor argument <paramref name="index"/> when it is an int; VLT0030 when it is below <paramref name="minimum"/>.</summary>
    private static int? AtLeast(AttributeData attribute, AttributeSyntax? syntax, string shortName, int index, int minimum, string allowed, ParseContext context)
    {
        if (attribute.ConstructorArguments.Length <= index || attribute.ConstructorArguments[index].Value is not int value)
        {
            return null;
        }

        if (value < minimum)
        {
            var parameter = attribute.AttributeConstructor!.Parameters[index].Name;
            context.Report(VelithonDiagnostics.InvalidPolicyValue, PositionalLocation(syntax, parameter, index, context),
                shortName, $"argument '{parameter}'", value.ToString(CultureInfo.InvariantCulture), $"it must be at least {minimum} ({allowed})");
        }

        return value;
    }

    private static void NamedAtLeast(AttributeData attribute, AttributeSyntax? syntax, string shortName, string property, int minimum, string allowed, ParseContext context)
    {
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == property && named.Value.Value is int value && value < minimum)
            {
                var location = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == property)?.GetLocation();
                context.Report(VelithonDiagnostics.InvalidPolicyValue, location ?? syntax?.GetLocation(),
                    shortName, $"property '{property}'", value.ToString(CultureInfo.InvariantCulture), $"it must be at least {minimum} ({allowed})");
            }
        }
    }

    private static void CheckOrigins(AttributeData attribute, AttributeSyntax? syntax, string shortName, ParseContext context)
    {
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0] is not { Kind: TypedConstantKind.Array, IsNull: false } origins)
        {
            return;
        }

        // [AllowedOrigins("a", "b")] puts one origin in each argument; [AllowedOrigins(new[] { ... })] puts all in one.
        var positional = syntax?.ArgumentList?.Arguments.Where(static a => a.NameEquals is null).ToList() ?? [];
        bool oneArgumentEach = positional.Count == origins.Values.Length && positional.All(static a => a.NameColon is null);
        bool allowsAny = false;
        for (int i = 0; i < origins.Values.Length; i++)
        {
            var origin = origins.Values[i].Value as string;
            if (origin == "*")
            {
                allowsAny = true;
                continue;
            }

            // The runtime's own parser, shared as source: the build refuses exactly what the runtime could not serve.
            if (OriginSyntax.Parse(origin, out _) is { } problem)
            {
                var location = oneArgumentEach ? positional[i].GetLocation() : positional.FirstOrDefault()?.GetLocation() ?? syntax?.GetLocation();
                context.Report(VelithonDiagnostics.InvalidPolicyValue, location,
                    shortName, "origin", origin is null ? "null" : "'" + origin + "'",
                    $"{problem}: write {OriginSyntax.Expected}, or \"*\" for any origin");
            }
        }

        if (allowsAny)
        {
            Weakens(attribute, syntax, context, $"[{shortName}(\"*\")]",
                "lets pages of any site connect with their users' cookies (cross-site WebSocket hijacking, RFC 6455 section 10.2)");
        }
    }

    private static void Weakens(AttributeData attribute, AttributeSyntax? syntax, ParseContext context, string what, string effect)
    {
        var reason = attribute.NamedArguments.FirstOrDefault(static a => a.Key == "Reason").Value.Value as string;
        if (string.IsNullOrWhiteSpace(reason))
        {
            context.Report(VelithonDiagnostics.PolicyWeakenedWithoutReason, syntax?.GetLocation(), what, effect);
        }
    }

    /// <summary>The syntax of constructor argument <paramref name="index"/>: by its name when it is named, else by position.</summary>
    private static Location? PositionalLocation(AttributeSyntax? syntax, string parameter, int index, ParseContext context)
    {
        if (syntax?.ArgumentList is not { } list)
        {
            return syntax?.GetLocation();
        }

        var named = list.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == parameter);
        if (named is not null)
        {
            return named.GetLocation();
        }

        var positional = list.Arguments.Where(static a => a.NameEquals is null).ToList();
        return index < positional.Count && positional.Take(index + 1).All(static a => a.NameColon is null)
            ? positional[index].GetLocation()
            : syntax.GetLocation();
    }
}
