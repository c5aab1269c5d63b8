using System;
using System.ComponentModel;

namespace Velithon.Routing;

/// <summary>
/// A file Velithon's generator derived from the assembly's declarations (a typed client, a contract document),
/// carried in the assembly's metadata: the <c>VelithonWriteGeneratedFiles</c> target of the Velithon package reads
/// it from the built assembly and writes it under the output folder, since a source generator cannot write files.
/// The generated code that serves the same file reads the same constant, so the file on disk and the one served
/// are the same text. Infrastructure: the generator writes it; applications do not apply it, and nothing reads it at
/// run time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class VelithonGeneratedFileAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="path">
    /// The file's path relative to the output folder, with <c>/</c> separators (<c>velithon/BoardSocket.js</c>); it is
    /// also the URL path the generated map method serves it at, after a leading <c>/</c>.
    /// </param>
    /// <param name="contentType">Its media type with charset, as served (<c>text/javascript; charset=utf-8</c>).</param>
    /// <param name="content">Its text, written as UTF-8 without a byte order mark.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public VelithonGeneratedFileAttribute(string path, string contentType, string content)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(contentType);
        ArgumentNullException.ThrowIfNull(content);
        Path = path;
        ContentType = contentType;
        Content = content;
    }

    /// <summary>The file's path relative to the output folder.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public string Path { get; }

    /// <summary>Its media type.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public string ContentType { get; }

    /// <summary>Its text.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public string Content { get; }
}
