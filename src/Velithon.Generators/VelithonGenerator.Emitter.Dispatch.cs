using System.Collections.Generic;
using System.Linq;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators;

public sealed partial class VelithonGenerator
{
    internal static partial class Emitter
    {
        private const string ContractMessages = "global::Velithon.Contracts.ContractMessages";
        private const string ContractMessageType = "global::Velithon.Contracts.ContractMessage";
        private const string ValidationErrorsType = "global::Velithon.Contracts.ValidationErrors";
        private const string DataAnnotations = "global::System.ComponentModel.DataAnnotations";

        // private static ValueTask DispatchAsync(BoardEndpoint endpoint, ContractSocket socket, in ContractMessage message)
        // {                                                   // (a static route's has no endpoint parameter)
        //     var contract = (BoardSocket)socket;
        //     if (message.TypeEquals("add-card"u8))           // one block per inbound case, ordered by tag
        //     {
        //         if (!ContractMessages.TryDeserialize(in message, AddCardTypeInfo, out var value)) return RejectMalformedAsync(...);
        //         if (AddCardValidator.Validate(value) is { } errors) return RejectInvalidAsync(...);   // a case with checks
        //         return endpoint.OnAdd(contract, value);      // a request's: ContractMessages.ReplyAsync(..., endpoint.OnGet(contract, value), ...)
        //     }
        //     return ContractMessages.RejectUnknownAsync(socket, in message);
        // }
        // The tags are UTF-8 literals and the metadata static fields, so a message costs no allocation beyond its value.
        private static void WriteContractDispatch(SourceWriter writer, HandlerSpec handler, ContractRouteSpec contract)
        {
            var typeInfos = new MetadataFieldNames();
            foreach (var message in contract.Handlers)
            {
                typeInfos.Add(message.Case.TypeName, message.Case.ShortName);
                if (message.Case.ReplyTypeName is not null)
                {
                    typeInfos.Add(message.Case.ReplyTypeName, message.Case.ReplyShortName!);
                }
            }

            foreach (var (typeName, name) in typeInfos.All)
            {
                writer.WriteLine();
                WriteTypeInfoField(writer, "private", name + "TypeInfo", typeName, contract.JsonContextTypeName);
            }

            bool isEndpoint = handler.Endpoint is not null;
            writer.WriteLine();
            string owner = isEndpoint ? handler.HandlerName : handler.HandlerName.Substring(0, handler.HandlerName.Length - handler.MethodName.Length - 1);
            writer.WriteLine($"/// <summary>Hands one received message of the contract to the <c>[OnMessage]</c> methods of <c>{EscapeXml(owner)}</c>.</summary>");
            writer.WriteLine(isEndpoint
                ? $"private static {ValueTaskType} DispatchAsync({handler.ContainingTypeName} endpoint, {ContractSocketType} socket, in {ContractMessageType} message)"
                : $"private static {ValueTaskType} DispatchAsync({ContractSocketType} socket, in {ContractMessageType} message)");
            writer.OpenBlock();
            writer.WriteLine($"var contract = ({contract.SocketTypeName})socket;");
            string target = isEndpoint ? "endpoint" : handler.ContainingTypeName;
            foreach (var message in contract.Handlers)
            {
                var @case = message.Case;
                string typeInfo = typeInfos[@case.TypeName] + "TypeInfo";
                writer.WriteLine($"if (message.TypeEquals({Literal(@case.Tag)}u8))");
                writer.OpenBlock();
                if (@case.ReplyTypeName is not null)
                {
                    // The wire format's request carries the id its reply goes back with; one without is malformed.
                    writer.WriteLine($"if (message.Id == 0 || !{ContractMessages}.TryDeserialize(in message, {typeInfo}, out var value))");
                }
                else
                {
                    writer.WriteLine($"if (!{ContractMessages}.TryDeserialize(in message, {typeInfo}, out var value))");
                }

                writer.OpenBlock();
                writer.WriteLine($"return {ContractMessages}.RejectMalformedAsync(socket, in message);");
                writer.CloseBlock();
                writer.WriteLine();
                if (message.Validator is not null)
                {
                    writer.WriteLine($"if ({typeInfos[@case.TypeName]}Validator.Validate(value, {typeInfo}.Options) is {{ }} errors)");
                    writer.OpenBlock();
                    writer.WriteLine($"return {ContractMessages}.RejectInvalidAsync(socket, in message, errors);");
                    writer.CloseBlock();
                    writer.WriteLine();
                }

                string call = $"{target}.{Identifier(message.MethodName)}(contract, value)";
                if (@case.ReplyTypeName is not null && message.ReplyMayBeNull)
                {
                    // ValueTask<Item?> where ReplyAsync<Item> takes ValueTask<Item>: a null reply is sent as "payload":null.
                    writer.WriteLine("#pragma warning disable CS8620 // The handler's reply may be null; it is sent as the payload null.");
                    writer.WriteLine($"return {ContractMessages}.ReplyAsync(socket, in message, {call}, {typeInfos[@case.ReplyTypeName]}TypeInfo);");
                    writer.WriteLine("#pragma warning restore CS8620");
                }
                else if (@case.ReplyTypeName is not null)
                {
                    writer.WriteLine($"return {ContractMessages}.ReplyAsync(socket, in message, {call}, {typeInfos[@case.ReplyTypeName]}TypeInfo);");
                }
                else
                {
                    writer.WriteLine(message.ReturnsTask ? $"return new {ValueTaskType}({call});" : $"return {call};");
                }

                writer.CloseBlock();
                writer.WriteLine();
            }

            writer.WriteLine($"return {ContractMessages}.RejectUnknownAsync(socket, in message);");
            writer.CloseBlock();

            bool anyValidator = false;
            foreach (var message in contract.Handlers)
            {
                if (message.Validator is { } validator)
                {
                    anyValidator = true;
                    WriteValidator(writer, message.Case, validator, typeInfos[message.Case.TypeName] + "Validator");
                }
            }

            if (anyValidator)
            {
                WriteValidationHelpers(writer);
            }
        }

        // private static class AddCardValidator
        // {
        //     private static readonly RequiredAttribute Title_0 = new RequiredAttribute();     // each attribute recreated once
        //     public static ValidationErrors? Validate(AddCard value, JsonSerializerOptions options)
        //     {
        //         // Title: Validation.Check(Title_0, ...) && Validation.Check(Title_1, ...): [Required] first, the rest when it passes
        //         // then the type's attributes and IValidatableObject.Validate, only while no property failed (as Validator does)
        //     }
        // }
        private static void WriteValidator(SourceWriter writer, ContractCaseSpec @case, ValidatorSpec validator, string className)
        {
            writer.WriteLine();
            writer.WriteLine($"/// <summary>The checks <c>{EscapeXml(validator.DisplayName)}</c> declares, run on each received one before its handler.</summary>");
            writer.WriteLine($"private static class {className}");
            writer.OpenBlock();
            foreach (var member in validator.Members)
            {
                for (int i = 0; i < member.Attributes.Count; i++)
                {
                    writer.WriteLine($"private static readonly {member.Attributes[i].TypeName} {member.Name}_{i} = {member.Attributes[i].Expression};");
                }

                writer.WriteLine();
            }

            for (int i = 0; i < validator.TypeAttributes.Count; i++)
            {
                writer.WriteLine($"private static readonly {validator.TypeAttributes[i].TypeName} _{i} = {validator.TypeAttributes[i].Expression};");
                writer.WriteLine();
            }

            writer.WriteLine("/// <summary>The failures of <paramref name=\"value\"/>; null when it is valid.</summary>");
            writer.WriteLine($"public static {ValidationErrorsType}? Validate({@case.TypeName} value, global::System.Text.Json.JsonSerializerOptions options)");
            writer.OpenBlock();
            writer.WriteLine($"{ValidationErrorsType}? errors = null;");
            foreach (var member in validator.Members)
            {
                string jsonName = member.JsonName is null ? "null" : Literal(member.JsonName);
                writer.WriteLine();
                writer.WriteLine($"// {member.Name}");
                writer.OpenBlock();
                writer.WriteLine($"object? member = value.{Identifier(member.Name)};");
                var checks = member.Attributes
                    .Select((attribute, i) => $"Validation.Check({member.Name}_{i}, {(attribute.ChecksWithoutContext ? "true" : "false")}, value, member, {Literal(member.Name)}, {Literal(member.DisplayName)}, {jsonName}, options, ref errors)")
                    .ToList();
                int required = member.Attributes.Count(static a => a.IsRequired);
                if (required > 0 && checks.Count > required)
                {
                    // Validator checks [Required] first and the property's other attributes only when it passes.
                    writer.WriteLine($"if ({string.Join(" & ", checks.Take(required))})");
                    writer.OpenBlock();
                    foreach (var check in checks.Skip(required))
                    {
                        writer.WriteLine(check + ";");
                    }

                    writer.CloseBlock();
                }
                else
                {
                    foreach (var check in checks)
                    {
                        writer.WriteLine(check + ";");
                    }
                }

                writer.CloseBlock();
            }

            if (validator.TypeAttributes.Count > 0)
            {
                writer.WriteLine();
                writer.WriteLine("// The type's own attributes, once its properties are valid.");
                writer.WriteLine("if (errors is null)");
                writer.OpenBlock();
                for (int i = 0; i < validator.TypeAttributes.Count; i++)
                {
                    writer.WriteLine($"Validation.Check(_{i}, {(validator.TypeAttributes[i].ChecksWithoutContext ? "true" : "false")}, value, value, null, {Literal(validator.DisplayName)}, null, options, ref errors);");
                }

                writer.CloseBlock();
            }

            if (validator.IsValidatableObject)
            {
                writer.WriteLine();
                writer.WriteLine("// IValidatableObject, once everything else is valid.");
                writer.WriteLine("if (errors is null)");
                writer.OpenBlock();
                writer.WriteLine($"var context = new {DataAnnotations}.ValidationContext(value, {Literal(validator.DisplayName)}, null, null);");
                writer.WriteLine($"foreach (var result in (({DataAnnotations}.IValidatableObject)value).Validate(context))");
                writer.OpenBlock();
                writer.WriteLine("Validation.Add(result, options, ref errors);");
                writer.CloseBlock();
                writer.CloseBlock();
            }

            writer.WriteLine();
            writer.WriteLine("return errors;");
            writer.CloseBlock();
            writer.CloseBlock();
        }

        // The checks shared by a route's validators, as Validator.TryValidateProperty runs them, without reflection.
        private static void WriteValidationHelpers(SourceWriter writer)
        {
            writer.WriteLine();
            writer.WriteLine("""
                /// <summary>What the validators share.</summary>
                private static class Validation
                {
                    /// <summary>
                    /// Checks <paramref name="value"/> against <paramref name="attribute"/> and adds its failure to
                    /// <paramref name="errors"/>; a framework attribute that needs no context checks a valid value
                    /// without allocating one. Returns whether it passed.
                    /// </summary>
                    public static bool Check(
                        global::System.ComponentModel.DataAnnotations.ValidationAttribute attribute,
                        bool checksWithoutContext,
                        object instance,
                        object? value,
                        string? memberName,
                        string displayName,
                        string? jsonName,
                        global::System.Text.Json.JsonSerializerOptions options,
                        ref global::Velithon.Contracts.ValidationErrors? errors)
                    {
                        if (checksWithoutContext && attribute.IsValid(value))
                        {
                            return true;
                        }

                        // The constructor that takes the display name finds nothing by reflection, so it is trim-safe.
                        var context = new global::System.ComponentModel.DataAnnotations.ValidationContext(instance, displayName, null, null) { MemberName = memberName };
                        var result = attribute.GetValidationResult(value, context);
                        if (result is null)
                        {
                            return true;
                        }

                        (errors ??= new()).Add(Key(memberName, jsonName, options), result.ErrorMessage ?? "The " + displayName + " field is invalid.");
                        return false;
                    }

                    /// <summary>Adds the failure of an <c>IValidatableObject</c>, once per member it names.</summary>
                    public static void Add(
                        global::System.ComponentModel.DataAnnotations.ValidationResult? result,
                        global::System.Text.Json.JsonSerializerOptions options,
                        ref global::Velithon.Contracts.ValidationErrors? errors)
                    {
                        if (result is null)
                        {
                            return;
                        }

                        string message = result.ErrorMessage ?? "The message is invalid.";
                        bool named = false;
                        foreach (var memberName in result.MemberNames)
                        {
                            named = true;
                            (errors ??= new()).Add(Key(memberName, null, options), message);
                        }

                        if (!named)
                        {
                            (errors ??= new()).Add("", message);
                        }
                    }

                    /// <summary>A member's name in the JSON the client sent: its [JsonPropertyName], else the naming policy's; "" for the whole message.</summary>
                    private static string Key(string? memberName, string? jsonName, global::System.Text.Json.JsonSerializerOptions options) =>
                        jsonName ?? (memberName is null ? "" : options.PropertyNamingPolicy?.ConvertName(memberName) ?? memberName);
                }
                """);
        }
    }
}
