using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Velithon.Build;

/// <summary>
/// Reads the <c>[assembly: Velithon.Routing.VelithonGeneratedFile(path, contentType, content)]</c> attributes of a
/// built assembly from its metadata, without loading it: apart from the MSBuild task, so it loads without MSBuild.
/// </summary>
internal static class GeneratedFileReader
{
    private const string AttributeNamespace = "Velithon.Routing";
    private const string AttributeName = "VelithonGeneratedFileAttribute";

    /// <summary>The (path, content) of each <c>VelithonGeneratedFile</c> attribute of the assembly at <paramref name="path"/>.</summary>
    public static List<(string Path, string Content)> Read(string path)
    {
        var files = new List<(string, string)>();
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            return files;
        }

        var metadata = pe.GetMetadataReader();
        if (!metadata.IsAssembly)
        {
            return files;
        }

        foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = metadata.GetCustomAttribute(handle);
            if (!IsGeneratedFileAttribute(metadata, attribute.Constructor))
            {
                continue;
            }

            // Prolog 0x0001, then the three fixed string arguments as SerStrings (ECMA-335 II.23.3).
            var blob = metadata.GetBlobReader(attribute.Value);
            if (blob.ReadUInt16() != 1)
            {
                throw new InvalidOperationException("a VelithonGeneratedFile attribute has a malformed value");
            }

            string? relative = blob.ReadSerializedString();
            _ = blob.ReadSerializedString();
            string? content = blob.ReadSerializedString();
            if (relative is null || content is null)
            {
                throw new InvalidOperationException("a VelithonGeneratedFile attribute has a null argument");
            }

            files.Add((relative, content));
        }

        return files;
    }

    private static bool IsGeneratedFileAttribute(MetadataReader metadata, EntityHandle constructor)
    {
        EntityHandle type;
        if (constructor.Kind == HandleKind.MemberReference)
        {
            type = metadata.GetMemberReference((MemberReferenceHandle)constructor).Parent;
        }
        else if (constructor.Kind == HandleKind.MethodDefinition)
        {
            type = metadata.GetMethodDefinition((MethodDefinitionHandle)constructor).GetDeclaringType();
        }
        else
        {
            return false;
        }

        return type.Kind switch
        {
            HandleKind.TypeReference => Is(metadata, metadata.GetTypeReference((TypeReferenceHandle)type).Namespace, metadata.GetTypeReference((TypeReferenceHandle)type).Name),
            HandleKind.TypeDefinition => Is(metadata, metadata.GetTypeDefinition((TypeDefinitionHandle)type).Namespace, metadata.GetTypeDefinition((TypeDefinitionHandle)type).Name),
            _ => false,
        };
    }

    private static bool Is(MetadataReader metadata, StringHandle @namespace, StringHandle name) =>
        metadata.StringComparer.Equals(@namespace, AttributeNamespace) && metadata.StringComparer.Equals(name, AttributeName);
}
