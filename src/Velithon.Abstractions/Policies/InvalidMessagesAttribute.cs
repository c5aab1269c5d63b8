using System;

namespace Velithon;

/// <summary>
/// What this route does with a message it cannot dispatch (a typed contract's, or an endpoint's
/// <see cref="JsonMessagesAttribute"/> messages): close the connection (1003 or 1007) or answer with an error envelope
/// and go on. Overrides <c>VelithonOptions.InvalidMessageBehavior</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class InvalidMessagesAttribute(InvalidMessageBehavior behavior) : Attribute
{
    /// <summary>The behavior for this route.</summary>
    public InvalidMessageBehavior Behavior { get; } = behavior;
}
