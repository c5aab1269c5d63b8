namespace Velithon;

/// <summary>What an endpoint with typed JSON messages does with a message it cannot dispatch.</summary>
public enum InvalidMessageBehavior
{
    /// <summary>
    /// Close the connection: 1007 (invalid payload data) for a message that is not valid JSON for its type,
    /// 1003 (unsupported data) for a discriminator no method handles or a message without one.
    /// </summary>
    Close = 0,

    /// <summary>
    /// Answer with <c>{"type":"error","error":"..."}</c> and keep the connection: the next messages are
    /// handled as usual.
    /// </summary>
    SendError = 1,
}
