using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Generators.Diagnostics;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Reads what an inbound case declares about valid values, for the validator the route's dispatch runs before its
/// handler: the <c>ValidationAttribute</c>s of its public properties (and, for a positional record, of its primary
/// constructor's parameters, which C# puts on the parameter unless written <c>[property: ...]</c>), those of the type,
/// and <c>IValidatableObject</c>. The attributes are recreated from their constants, like endpoint metadata, so the
/// checks need no reflection. Nested objects are not walked: only the case's own properties are checked, as
/// <c>Validator.TryValidateObject</c> does.
/// </summary>
internal static class ValidationParser
{
    private const string DataAnnotations = "System.ComponentModel.DataAnnotations";

    // The framework's attributes whose IsValid(object) is their whole check: a valid value needs no
    // ValidationContext. Any other attribute (a derived one too) may read the context, so it always gets one.
    private static readonly HashSet<string> ContextFree =
    [
        "RequiredAttribute", "StringLengthAttribute", "RangeAttribute", "MinLengthAttribute", "MaxLengthAttribute",
        "LengthAttribute", "RegularExpressionAttribute", "EmailAddressAttribute", "PhoneAttribute", "UrlAttribute",
        "CreditCardAttribute", "Base64StringAttribute", "AllowedValuesAttribute", "DeniedValuesAttribute",
        "FileExtensionsAttribute", "EnumDataTypeAttribute", "DataTypeAttribute",
    ];

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>
    /// The checks of <paramref name="type"/>; null when it declares none. An attribute the generated code cannot
    /// recreate is VLT0049 at the attribute: the contract is then not served, rather than served unchecked.
    /// </summary>
    public static ValidatorSpec? Parse(INamedTypeSymbol type, KnownTypes knownTypes, ParseContext context)
    {
        if (knownTypes.ValidationAttribute is null)
        {
            return null;
        }

        var members = new List<MemberValidationSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public
                    || property.GetMethod is not { DeclaredAccessibility: Accessibility.Public }
                    || !seen.Add(property.Name))
                {
                    continue;
                }

                var attributes = property.GetAttributes().Concat(PositionalParameter(property, context)?.GetAttributes() ?? []);
                var checks = Attributes(attributes, property.ToDisplayString(), knownTypes, context);
                if (checks.Count > 0)
                {
                    members.Add(new MemberValidationSpec(
                        property.Name,
                        DisplayName(property, knownTypes) ?? property.Name,
                        JsonName(property, knownTypes),
                        new EquatableArray<ValidationAttributeSpec>([.. checks.OrderBy(static c => c.IsRequired ? 0 : 1)])));
                }
            }
        }

        var typeAttributes = new List<ValidationAttributeSpec>();
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            typeAttributes.AddRange(Attributes(current.GetAttributes(), current.ToDisplayString(), knownTypes, context));
        }

        bool validatable = knownTypes.ValidatableObject is not null
            && type.AllInterfaces.Contains(knownTypes.ValidatableObject, SymbolEqualityComparer.Default);
        if (members.Count == 0 && typeAttributes.Count == 0 && !validatable)
        {
            return null;
        }

        return new ValidatorSpec(
            type.Name,
            new EquatableArray<MemberValidationSpec>(members.ToArray()),
            new EquatableArray<ValidationAttributeSpec>(typeAttributes.ToArray()),
            validatable);
    }

    private static List<ValidationAttributeSpec> Attributes(IEnumerable<AttributeData> attributes, string owner, KnownTypes knownTypes, ParseContext context)
    {
        var checks = new List<ValidationAttributeSpec>();
        foreach (var attribute in attributes)
        {
            if (attribute.AttributeClass is not { TypeKind: not TypeKind.Error } type
                || attribute.AttributeConstructor is null
                || !EndpointClassParser.DerivesFrom(type, knownTypes.ValidationAttribute)
                || EndpointMetadataParser.HasErrorArgument(attribute))
            {
                continue;
            }

            if (EndpointMetadataParser.FindProblem(attribute, type, knownTypes.Compilation) is { } problem)
            {
                context.Report(VelithonDiagnostics.ValidationAttributeNotRecreated,
                    attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation(),
                    type.ToDisplayString(), owner, problem);
                continue;
            }

            bool required = SymbolEqualityComparer.Default.Equals(type, knownTypes.RequiredAttribute)
                || EndpointClassParser.DerivesFrom(type, knownTypes.RequiredAttribute);
            bool contextFree = type.ContainingNamespace?.ToDisplayString() == DataAnnotations && ContextFree.Contains(type.Name);
            checks.Add(new ValidationAttributeSpec(EndpointMetadataParser.Write(attribute, type), type.ToDisplayString(TypeFormat), required, contextFree));
        }

        return checks;
    }

    /// <summary>The primary constructor parameter a positional record property was declared by; null for any other property.</summary>
    private static IParameterSymbol? PositionalParameter(IPropertySymbol property, ParseContext context)
    {
        if (!property.ContainingType.IsRecord)
        {
            return null;
        }

        if (property.DeclaringSyntaxReferences.IsEmpty)
        {
            return CompiledPositionalParameter(property);
        }

        if (property.DeclaringSyntaxReferences[0].GetSyntax(context.CancellationToken) is not ParameterSyntax declaration)
        {
            return null;
        }

        foreach (var constructor in property.ContainingType.InstanceConstructors)
        {
            foreach (var parameter in constructor.Parameters)
            {
                if (parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) == declaration)
                {
                    return parameter;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The parameter of <paramref name="property"/> in the primary constructor of a record compiled into a referenced
    /// assembly, which has no syntax to tie the two: a positional record's Deconstruct lists its positional
    /// properties, and its primary constructor is the public one with the same parameters (names and types), as
    /// ASP.NET Core's model binding finds a record's constructor. Null when there is no such pair, or two.
    /// </summary>
    private static IParameterSymbol? CompiledPositionalParameter(IPropertySymbol property)
    {
        var type = property.ContainingType;
        var deconstruct = type.GetMembers("Deconstruct").OfType<IMethodSymbol>()
            .Where(static m => m.DeclaredAccessibility == Accessibility.Public && !m.IsStatic && m.Parameters.All(static p => p.RefKind == RefKind.Out))
            .ToList();
        if (deconstruct.Count != 1)
        {
            return null;
        }

        IMethodSymbol? primary = null;
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility == Accessibility.Public && SameParameters(constructor.Parameters, deconstruct[0].Parameters))
            {
                if (primary is not null)
                {
                    return null;
                }

                primary = constructor;
            }
        }

        return primary?.Parameters.FirstOrDefault(p => p.Name == property.Name && SymbolEqualityComparer.Default.Equals(p.Type, property.Type));
    }

    private static bool SameParameters(IReadOnlyList<IParameterSymbol> left, IReadOnlyList<IParameterSymbol> right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        for (int i = 0; i < left.Count; i++)
        {
            if (left[i].Name != right[i].Name || !SymbolEqualityComparer.Default.Equals(left[i].Type, right[i].Type))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The <c>[Display(Name = "...")]</c> of a property, when it is a plain constant (not a resource).</summary>
    private static string? DisplayName(IPropertySymbol property, KnownTypes knownTypes)
    {
        var display = property.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, knownTypes.DisplayAttribute));
        if (display is null || display.NamedArguments.Any(static a => a.Key == "ResourceType"))
        {
            return null;
        }

        return display.NamedArguments.FirstOrDefault(static a => a.Key == "Name").Value.Value is string { Length: > 0 } name ? name : null;
    }

    private static string? JsonName(IPropertySymbol property, KnownTypes knownTypes) =>
        property.GetAttributes()
            .FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, knownTypes.JsonPropertyNameAttribute))
            ?.ConstructorArguments.FirstOrDefault().Value as string;
}
