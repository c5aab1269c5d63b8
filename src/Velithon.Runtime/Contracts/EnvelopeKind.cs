namespace Velithon.Contracts;

/// <summary>What <see cref="EnvelopeReader"/> found in a received text message.</summary>
internal enum EnvelopeKind
{
    /// <summary>A message of the contract's inbound set (or an unknown tag): dispatched.</summary>
    Message,

    /// <summary><c>{"type":"reply","id":n,"payload":...}</c>: the answer to one of our requests.</summary>
    Reply,

    /// <summary><c>{"type":"error","id":n,"error":"..."}</c>: one of our requests failed, or (no id) a message was rejected.</summary>
    Error,

    /// <summary><c>{"type":"cancel","id":n}</c>: the peer gave up on one of its requests.</summary>
    Cancel,

    /// <summary>Not a JSON object (or not valid JSON): 1007.</summary>
    NotAnObject,

    /// <summary>A JSON object without a string <c>type</c>: 1003.</summary>
    NoType,

    /// <summary>An <c>id</c> that is not an integer from 1 to 2^53-1, or a reserved type without one: 1007.</summary>
    BadId,
}
