using Microsoft.Extensions.Logging;

namespace Velithon.Contracts;

/// <summary>The log lines of typed contracts, in the runtime's category.</summary>
internal static partial class ContractLog
{
    [LoggerMessage(40, LogLevel.Debug, "A {Kind} for request {Id} arrived on a connection of {Handler} that awaits no such request (it timed out, was canceled, or was never sent); it is ignored.", EventName = "LateReply")]
    public static partial void LateReply(ILogger logger, string kind, long id, string handler);

    [LoggerMessage(41, LogLevel.Debug, "The client of a connection of {Handler} reported an error without a request id: {Error}", EventName = "ClientError")]
    public static partial void ClientError(ILogger logger, string handler, string error);

    [LoggerMessage(42, LogLevel.Debug, "The client of a connection of {Handler} canceled its request {Id}; its reply is still sent.", EventName = "ClientCanceled")]
    public static partial void ClientCanceled(ILogger logger, string handler, long id);

    [LoggerMessage(43, LogLevel.Debug, "Reading ahead for the replies of a connection of {Handler} stopped: {Reason}", EventName = "ReadAheadStopped")]
    public static partial void ReadAheadStopped(ILogger logger, string handler, string reason);
}
