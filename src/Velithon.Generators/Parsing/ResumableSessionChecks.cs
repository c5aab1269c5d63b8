using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Generators.Diagnostics;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Checks <c>[ResumableSession]</c> on a handler, and on the class of a static handler (which applies it to each):
/// a window or buffer size the runtime cannot use is VLT0055 at the argument, and a contract route is VLT0056 at the
/// attribute, since a connection has one subprotocol and a contract route's is its contract's.
/// </summary>
internal static class ResumableSessionChecks
{
    // The limits of Velithon.ResumableSessionAttribute (MaxWindowSeconds, MaxBufferLimit): the generator does not reference Abstractions.
    private const int MaxWindowSeconds = 3600;
    private const int MaxBufferedMessages = 65536;

    /// <summary>Reports VLT0055 and VLT0056 at the attribute; returns whether the handler has <c>[ResumableSession]</c> at all.</summary>
    public static bool Check(ISymbol handler, string handlerName, bool isContractRoute, ParseContext context)
    {
        bool resumable = false;
        var attributes = handler.GetAttributes().AsEnumerable();
        if (handler is IMethodSymbol { ContainingType: { } containingType })
        {
            attributes = containingType.GetAttributes().Concat(attributes);
        }

        foreach (var attribute in attributes)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (attribute.AttributeClass?.ToDisplayString() != KnownTypeNames.ResumableSessionAttribute)
            {
                continue;
            }

            resumable = true;
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) as AttributeSyntax;
            foreach (var named in attribute.NamedArguments)
            {
                var (limit, meaning) = named.Key switch
                {
                    "WindowSeconds" => (MaxWindowSeconds, "seconds a dropped session waits for its client"),
                    "MaxBufferedMessages" => (MaxBufferedMessages, "messages kept for a replay"),
                    _ => (0, null),
                };
                if (meaning is null || named.Value.Value is not int value || value is >= 1 && value <= limit)
                {
                    continue;
                }

                var location = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == named.Key)?.GetLocation();
                context.Report(VelithonDiagnostics.InvalidResumableSessionValue, location ?? syntax?.GetLocation(),
                    named.Key, value.ToString(CultureInfo.InvariantCulture), limit.ToString(CultureInfo.InvariantCulture), meaning);
            }

            if (isContractRoute)
            {
                context.Report(VelithonDiagnostics.ResumableContractRoute, syntax?.GetLocation(), handlerName);
            }
        }

        return resumable;
    }
}
