using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Velithon.Generators.Diagnostics;

namespace Velithon.Generators.Analyzers;

/// <summary>
/// Checks constant arguments of <c>ws.CloseAsync(code, reason)</c> and <c>new WebSocketCloseException(code, reason)</c>
/// against what a close frame may carry: a code a server may send (VLT0032, the rule of
/// <c>WebSocketCloseCode.CanBeSent</c>, RFC 6455 section 7.4) and a reason of at most 123 UTF-8 bytes (VLT0033,
/// RFC 6455 section 5.5: a control frame's payload is at most 125 bytes, two of which are the code). Both would
/// throw at run time, on the path that was meant to end the connection cleanly.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CloseArgumentsAnalyzer : ProtocolAnalyzer
{
    /// <summary>The diagnostic property naming the <c>WebSocketCloseCode</c> constant the code fix writes instead.</summary>
    public const string ReplacementProperty = DiagnosticProperties.Replacement;

    private const int MaxReasonBytes = 123;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        VelithonDiagnostics.ForbiddenCloseCode,
        VelithonDiagnostics.CloseReasonTooLong);

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext start, WebSocketSymbols symbols)
    {
        start.RegisterOperationAction(
            operationContext =>
            {
                var invocation = (IInvocationOperation)operationContext.Operation;
                if (symbols.IsWebSocketMethod(invocation.TargetMethod, "CloseAsync"))
                {
                    Check(operationContext, invocation.Arguments);
                }
            },
            OperationKind.Invocation);
        start.RegisterOperationAction(
            operationContext =>
            {
                var creation = (IObjectCreationOperation)operationContext.Operation;
                if (symbols.CloseException is not null
                    && SymbolEqualityComparer.Default.Equals(creation.Constructor?.ContainingType, symbols.CloseException))
                {
                    Check(operationContext, creation.Arguments);
                }
            },
            OperationKind.ObjectCreation);
    }

    private static void Check(OperationAnalysisContext context, ImmutableArray<IArgumentOperation> arguments)
    {
        foreach (var argument in arguments)
        {
            // A default value is the API's own (1000, no reason): only what the caller wrote is checked.
            if (argument.ArgumentKind != ArgumentKind.Explicit || argument.Parameter is null || !argument.Value.ConstantValue.HasValue)
            {
                continue;
            }

            var value = argument.Value.ConstantValue.Value;
            var location = argument.Value.Syntax.GetLocation();
            if (argument.Parameter.Name == "code" && value is int code && Forbidden(code) is { } why)
            {
                var replacement = Replacement(code);
                context.ReportDiagnostic(Diagnostic.Create(
                    VelithonDiagnostics.ForbiddenCloseCode,
                    location,
                    ImmutableDictionary<string, string?>.Empty.Add(ReplacementProperty, replacement.Name),
                    code,
                    why,
                    $"; here WebSocketCloseCode.{replacement.Name} ({replacement.Code}) {replacement.Meaning}"));
            }
            else if (argument.Parameter.Name == "reason" && value is string reason)
            {
                int bytes = Encoding.UTF8.GetByteCount(reason);
                if (bytes > MaxReasonBytes)
                {
                    context.ReportDiagnostic(Diagnostic.Create(VelithonDiagnostics.CloseReasonTooLong, location, bytes));
                }
            }
        }
    }

    /// <summary>Why <paramref name="code"/> may not be sent (RFC 6455 section 7.4), or null when it may.</summary>
    internal static string? Forbidden(int code) => code switch
    {
        < 1000 => "is below 1000, where no close code is defined",
        1004 => "is reserved (RFC 6455 section 7.4.1)",
        1005 => "means that no code was received, and must never be sent in a close frame",
        1006 => "means that the connection dropped without a close frame, and must never be sent in one",
        1015 => "means that the TLS handshake failed, and must never be sent in a close frame",
        >= 1016 and <= 2999 => "is reserved for future protocol use (RFC 6455 section 7.4.2)",
        >= 5000 => "is above 4999, the last code a close frame may carry",
        _ => null,
    };

    /// <summary>
    /// The code to send instead: 1000 for "no status" (the sender meant a plain close), 1011 for an abnormal end or a
    /// TLS failure (the server could not go on), and otherwise 1008, RFC 6455's generic refusal "when there is no
    /// other more suitable status code" (section 7.4.1). Shared with the code fix through a diagnostic property.
    /// </summary>
    internal static (string Name, int Code, string Meaning) Replacement(int code) => code switch
    {
        1005 => ("NormalClosure", 1000, "is the plain close"),
        1006 or 1015 => ("InternalError", 1011, "says the server could not go on"),
        _ => ("PolicyViolation", 1008, "is the generic refusal"),
    };
}
