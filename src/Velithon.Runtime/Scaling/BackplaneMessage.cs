using System;

namespace Velithon.Scaling;

/// <summary>A message as it travels between servers: its topic, the connection it is for (on a server topic), its kind and its payload.</summary>
/// <param name="Topic">The topic it is published on, which says who receives it.</param>
/// <param name="ConnectionId">
/// On a <see cref="BackplaneTopicKind.Server"/> topic, the <see cref="WebSocket.ConnectionId"/> it is for; otherwise <see langword="null"/>.
/// </param>
/// <param name="Kind">Whether the payload is a text (UTF-8) or a binary message.</param>
/// <param name="Payload">The message as sent on the wire.</param>
public readonly record struct BackplaneMessage(BackplaneTopic Topic, string? ConnectionId, WebSocketMessageKind Kind, ReadOnlyMemory<byte> Payload);
