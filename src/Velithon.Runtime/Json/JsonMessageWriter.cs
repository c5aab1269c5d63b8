using System;
using System.Text.Json;
using Velithon.Buffers;

namespace Velithon.Json;

/// <summary>
/// A JSON writer over a pooled buffer, one per thread, for serializing an outgoing message: the serializer runs
/// synchronously and the socket copies the bytes before the send returns, so the writer is free again at once.
/// No allocation per message, and nothing shared between connections or with a send still in flight.
/// </summary>
internal sealed class JsonMessageWriter
{
    [ThreadStatic]
    private static JsonMessageWriter? t_cached;

    private JsonMessageWriter()
    {
        Buffer = new PooledBufferWriter();
        Json = new Utf8JsonWriter(Buffer);
    }

    public PooledBufferWriter Buffer { get; }

    public Utf8JsonWriter Json { get; }

    /// <summary>The thread's writer, emptied; a new one when the thread's is in use (a converter that sends JSON itself).</summary>
    public static JsonMessageWriter Rent()
    {
        var writer = t_cached ?? new JsonMessageWriter();
        t_cached = null;
        writer.Json.Reset(writer.Buffer);
        return writer;
    }

    /// <summary>Gives the writer back to the thread, its buffer returned to the pool.</summary>
    public static void Return(JsonMessageWriter writer)
    {
        writer.Buffer.Reset();
        t_cached = writer;
    }
}
