using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Velithon.Build;

/// <summary>
/// Writes the files an assembly carries as <c>[assembly: Velithon.Routing.VelithonGeneratedFile(path, contentType,
/// content)]</c>: the typed clients and documents Velithon's generator derived from its declarations. A source
/// generator cannot write files, so it puts them in the assembly; this task reads the attribute's arguments from
/// the assembly's metadata (ECMA-335 II.23.3, custom attribute blobs) without loading it, and writes each file
/// under <see cref="OutputDirectory"/> when its text changed.
/// </summary>
public sealed class WriteVelithonGeneratedFiles : Task
{
    /// <summary>The built assembly.</summary>
    [Required]
    public string Assembly { get; set; } = "";

    /// <summary>The folder the files' relative paths start from.</summary>
    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary>Relative paths of files not to write (<c>asyncapi.json</c> when the project turns the document off).</summary>
    public ITaskItem[] Skip { get; set; } = [];

    /// <summary>Every file written or already up to date, for <c>FileWrites</c>.</summary>
    [Output]
    public ITaskItem[] Files { get; set; } = [];

    /// <inheritdoc />
    public override bool Execute()
    {
        List<(string Path, string Content)> files;
        try
        {
            files = GeneratedFileReader.Read(Assembly);
        }
        catch (Exception exception) when (exception is IOException or BadImageFormatException or InvalidOperationException)
        {
            Log.LogError("Velithon: cannot read the generated files of '{0}': {1}", Assembly, exception.Message);
            return false;
        }

        var written = new List<ITaskItem>();
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in Skip)
        {
            skipped.Add(item.ItemSpec.Replace('\\', '/'));
        }

        string root = Path.GetFullPath(OutputDirectory);
        foreach (var (relative, content) in files)
        {
            if (skipped.Contains(relative))
            {
                continue;
            }

            string target = Path.GetFullPath(Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar)));
            if (relative.Length == 0 || Path.IsPathRooted(relative) || !target.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                Log.LogError("Velithon: the generated file path '{0}' of '{1}' leaves the output folder.", relative, Assembly);
                return false;
            }

            byte[] bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content);
            if (!File.Exists(target) || !Equal(File.ReadAllBytes(target), bytes))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllBytes(target, bytes);
                Log.LogMessage(MessageImportance.Low, "Velithon: wrote {0}", target);
            }

            written.Add(new TaskItem(target));
        }

        Files = written.ToArray();
        return !Log.HasLoggedErrors;
    }

    private static bool Equal(byte[] left, byte[] right)
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        for (int i = 0; i < left.Length; i++)
        {
            if (left[i] != right[i])
            {
                return false;
            }
        }

        return true;
    }
}
