using System;

namespace Velithon;

/// <summary>
/// Names the source-generated <c>JsonSerializerContext</c> that holds the metadata of an endpoint's
/// <see cref="OnMessageAttribute"/> message types, and the JSON property that tells them apart.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class JsonMessagesAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="context">A type deriving from <c>JsonSerializerContext</c> with <c>[JsonSerializable]</c> for each message type.</param>
    public JsonMessagesAttribute(Type context)
    {
        Context = context;
    }

    /// <summary>The source-generated serializer context.</summary>
    public Type Context { get; }

    /// <summary>The name of the top-level JSON property whose string value picks the handler. Default: <c>type</c>.</summary>
    public string Discriminator { get; set; } = "type";
}
