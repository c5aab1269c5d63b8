using Microsoft.Extensions.Logging;

namespace Velithon.Sessions;

internal static partial class Log
{
    [LoggerMessage(60, LogLevel.Debug, "A resume of a session of {Handler} was refused with {CloseCode}: {Reason}", EventName = "ResumeRefused")]
    public static partial void ResumeRefused(ILogger logger, string handler, int closeCode, string reason);

    [LoggerMessage(61, LogLevel.Debug, "A session of {Handler} on {Path} resumed.", EventName = "SessionResumed")]
    public static partial void SessionResumed(ILogger logger, string handler, string path);
}
