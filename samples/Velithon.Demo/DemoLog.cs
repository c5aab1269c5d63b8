namespace Velithon.Demo;

internal static partial class DemoLog
{
    [LoggerMessage(1, LogLevel.Information, "Echo client disconnected with code {Code}")]
    public static partial void ClientDisconnected(ILogger logger, int code);
}
