using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Velithon.Generators.Diagnostics;

namespace Velithon.Generators.Analyzers;

/// <summary>
/// VLT0037: <c>SendJsonAsync&lt;T&gt;(value)</c> or <c>ReceiveJsonAsync&lt;T&gt;()</c> (the overloads without a
/// <c>JsonTypeInfo</c>) in a project that publishes trimmed or with Native AOT. There, only source-generated metadata
/// registered in the HTTP JSON options knows a type, and a type it does not know throws at run time, on the first
/// message. The project's MSBuild properties come through <c>CompilerVisibleProperty</c> items of the package's
/// build/Velithon.props, as <c>build_property.*</c> global options.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class JsonWithoutTypeInfoAnalyzer : ProtocolAnalyzer
{
    private static readonly string[] TrimmingProperties = ["PublishAot", "PublishTrimmed", "IsAotCompatible"];

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(VelithonDiagnostics.JsonWithoutTypeInfoInTrimmedApp);

    /// <inheritdoc />
    private protected override void Start(CompilationStartAnalysisContext start, WebSocketSymbols symbols)
    {
        var options = start.Options.AnalyzerConfigOptionsProvider.GlobalOptions;
        string? trimmed = TrimmingProperties.FirstOrDefault(name =>
            options.TryGetValue("build_property." + name, out var value) && string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase));
        if (trimmed is null)
        {
            return;
        }

        start.RegisterOperationAction(
            operationContext =>
            {
                var invocation = (IInvocationOperation)operationContext.Operation;
                var method = invocation.TargetMethod;
                if (method.Name is not ("SendJsonAsync" or "ReceiveJsonAsync")
                    || method.TypeArguments.Length != 1
                    || method.Parameters.Any(static p => p.Type.Name == "JsonTypeInfo")
                    || !symbols.IsWebSocketMethod(method, method.Name))
                {
                    return;
                }

                var type = method.TypeArguments[0];
                string typeName = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
                string instance = invocation.Instance?.Syntax.ToString() ?? "ws";
                string example = method.Name == "SendJsonAsync"
                    ? $"{instance}.SendJsonAsync(value, AppJsonContext.Default.{type.Name})"
                    : $"{instance}.ReceiveJsonAsync(AppJsonContext.Default.{type.Name})";
                operationContext.ReportDiagnostic(Diagnostic.Create(
                    VelithonDiagnostics.JsonWithoutTypeInfoInTrimmedApp,
                    invocation.Syntax.GetLocation(),
                    trimmed + "=true",
                    $"{method.Name}<{typeName}>",
                    typeName,
                    example));
            },
            OperationKind.Invocation);
    }
}
