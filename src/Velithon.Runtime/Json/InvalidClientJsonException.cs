using System;
using System.Text.Json;

namespace Velithon.Json;

/// <summary>
/// A message the client sent that a Velithon receive call could not read as JSON of the expected type. It is a
/// <see cref="JsonException"/>, so handler code that catches those still does; left uncaught, it ends the
/// connection as the client's fault: 1007 invalid payload data (RFC 6455 section 7.4.1), logged at Debug. A
/// <see cref="JsonException"/> the server's own code throws stays a server fault (1011, logged at Error).
/// </summary>
internal sealed class InvalidClientJsonException(string typeName, JsonException inner)
    : JsonException($"The client's message is not valid JSON for {typeName}: {inner.Message}", inner.Path, inner.LineNumber, inner.BytePositionInLine, inner);
