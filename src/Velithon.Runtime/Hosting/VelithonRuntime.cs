using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Velithon.Hosting;

/// <summary>What every connection of the application shares: the validated options, the logger and the connection tracker.</summary>
internal sealed class VelithonRuntime(IOptions<VelithonOptions> options, ILoggerFactory loggerFactory, ConnectionTracker connections)
{
    public ConnectionTracker Connections { get; } = connections;

    public VelithonOptions Options { get; } = options.Value;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("Velithon.WebSockets");
}
