using Microsoft.Extensions.Logging;

namespace Velithon.Runtime.Tests;

/// <summary>A logging provider whose first Velithon entry while <see cref="Armed"/> throws.</summary>
internal sealed class ThrowingLoggerProvider : ILoggerProvider
{
    public static readonly AsyncLocal<bool> Armed = new();

    private int _threw;

    public bool Threw => Volatile.Read(ref _threw) != 0;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ThrowingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (Armed.Value && category.StartsWith("Velithon", StringComparison.Ordinal) && Interlocked.Exchange(ref provider._threw, 1) == 0)
            {
                throw new InvalidOperationException("The logging provider failed on purpose: " + formatter(state, exception));
            }
        }
    }
}
