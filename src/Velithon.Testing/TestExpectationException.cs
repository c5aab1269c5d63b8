using System;

namespace Velithon.Testing;

/// <summary>
/// What a <see cref="TestContractClient{TClient}"/> expected did not come: the message says what was expected and what
/// arrived instead (a message of another case with its JSON, an error envelope, the close with its code and reason),
/// or that nothing arrived within the client's <see cref="VelithonTestClient.Timeout"/>.
/// </summary>
public sealed class TestExpectationException : Exception
{
    /// <summary>Creates the exception with its <paramref name="message"/>.</summary>
    public TestExpectationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its <paramref name="message"/> and the exception that caused it.</summary>
    public TestExpectationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
