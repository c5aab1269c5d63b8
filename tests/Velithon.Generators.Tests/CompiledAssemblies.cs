using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Tests;

/// <summary>
/// Emits compilations that went through the generator and loads them into one collectible load context,
/// so a test runs the generated code itself (practice: run the generated code, not just read it).
/// Velithon and ASP.NET Core resolve from the test process.
/// </summary>
internal sealed class CompiledAssemblies : AssemblyLoadContext
{
    private readonly Dictionary<string, byte[]> _images = new(StringComparer.Ordinal);

    public CompiledAssemblies()
        : base("Velithon.Generators.Tests.Compiled", isCollectible: true)
    {
    }

    /// <summary>Emits <paramref name="compilation"/>, asserting it emits cleanly, and returns its image.</summary>
    public static byte[] Emit(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, "The compilation does not emit:\n" + string.Join("\n", result.Diagnostics));
        return stream.ToArray();
    }

    /// <summary>Adds an image that other loaded assemblies reference by name.</summary>
    public void Add(string assemblyName, byte[] image) => _images[assemblyName] = image;

    /// <summary>Loads the image of <paramref name="assemblyName"/>.</summary>
    public Assembly LoadImage(string assemblyName) => LoadFromAssemblyName(new AssemblyName(assemblyName));

    protected override Assembly? Load(AssemblyName assemblyName) =>
        assemblyName.Name is { } name && _images.TryGetValue(name, out var image)
            ? LoadFromStream(new MemoryStream(image))
            : null;

    /// <summary>Calls a public static method that returns a task, and returns the task's result.</summary>
    public static async Task<object?> InvokeAsync(Assembly assembly, string typeName, string methodName, params object?[] arguments)
    {
        var method = assembly.GetType(typeName, throwOnError: true)!.GetMethod(methodName, BindingFlags.Public | BindingFlags.Static)!;
        var task = (Task)method.Invoke(null, arguments)!;
        await task;
        return task.GetType().GetProperty("Result")?.GetValue(task);
    }
}
