using Velithon.Generators.Helpers;

namespace Velithon.Generators.Model;

/// <summary>
/// What a message case declares about its valid values, as generated code checks it: the validation attributes of
/// its public properties and of the type, and whether it implements <c>IValidatableObject</c>.
/// </summary>
/// <param name="DisplayName">The case's name, the display name of its type-level checks.</param>
/// <param name="Members">Its properties that carry validation attributes, in declaration order.</param>
/// <param name="TypeAttributes">The validation attributes on the type itself.</param>
/// <param name="IsValidatableObject">Whether it implements <c>IValidatableObject</c>.</param>
internal sealed record ValidatorSpec(
    string DisplayName,
    EquatableArray<MemberValidationSpec> Members,
    EquatableArray<ValidationAttributeSpec> TypeAttributes,
    bool IsValidatableObject);

/// <summary>A property and its validation attributes.</summary>
/// <param name="Name">The property's name in C#, the <c>MemberName</c> of its validation context.</param>
/// <param name="DisplayName">The name its messages show: its <c>[Display(Name = ...)]</c>, else its name.</param>
/// <param name="JsonName">Its <c>[JsonPropertyName]</c>, the key of its errors; null to derive the key from the context's naming policy.</param>
/// <param name="Attributes">Its validation attributes, <c>[Required]</c> first as <c>Validator</c> checks it.</param>
internal sealed record MemberValidationSpec(string Name, string DisplayName, string? JsonName, EquatableArray<ValidationAttributeSpec> Attributes);

/// <summary>One validation attribute, recreated once in generated code.</summary>
/// <param name="Expression">The C# that recreates it.</param>
/// <param name="TypeName">Its type, fully qualified.</param>
/// <param name="IsRequired">Whether it is <c>[Required]</c>: when it fails, the property's other attributes are not checked.</param>
/// <param name="ChecksWithoutContext">
/// Whether it is one of the framework's attributes whose <c>IsValid(object)</c> needs no <c>ValidationContext</c>, so a
/// valid value is checked without allocating one.
/// </param>
internal sealed record ValidationAttributeSpec(string Expression, string TypeName, bool IsRequired, bool ChecksWithoutContext);
