using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;
using Velithon.Limits;

namespace Velithon.Hosting;

/// <summary>Checks <see cref="VelithonOptions"/> when the host starts, so a bad value fails early with a clear message.</summary>
/// <remarks>
/// <see cref="OptionsValidationException.Message"/> joins the failures with <c>"; "</c>, so each failure is one
/// clause without a final period and without a semicolon of its own: two failures read
/// "MaxMessageSize must be ... (it is 0); CloseTimeout must be ... (it is -00:00:01)".
/// </remarks>
internal sealed class VelithonOptionsValidator : IValidateOptions<VelithonOptions>
{
    public ValidateOptionsResult Validate(string? name, VelithonOptions options)
    {
        var failures = new List<string>();
        if (options.MaxMessageSize <= 0)
        {
            failures.Add($"{nameof(VelithonOptions.MaxMessageSize)} must be a positive number of bytes (it is {options.MaxMessageSize})");
        }

        if (options.MaxMessageSize == int.MaxValue)
        {
            failures.Add($"{nameof(VelithonOptions.MaxMessageSize)} must be less than int.MaxValue");
        }

        if (options.CloseTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(VelithonOptions.CloseTimeout)} must be positive (it is {options.CloseTimeout})");
        }

        if (options.KeepAliveInterval < TimeSpan.Zero)
        {
            failures.Add($"{nameof(VelithonOptions.KeepAliveInterval)} must be zero (off) or positive (it is {options.KeepAliveInterval})");
        }

        if (options.KeepAliveTimeout < TimeSpan.Zero)
        {
            failures.Add($"{nameof(VelithonOptions.KeepAliveTimeout)} must be zero (no timeout) or positive (it is {options.KeepAliveTimeout})");
        }

        if (options.SendTimeout < TimeSpan.Zero)
        {
            failures.Add($"{nameof(VelithonOptions.SendTimeout)} must be zero (off) or positive (it is {options.SendTimeout})");
        }

        if (options.IdleTimeout < TimeSpan.Zero)
        {
            failures.Add($"{nameof(VelithonOptions.IdleTimeout)} must be zero (off) or positive (it is {options.IdleTimeout})");
        }

        if (options.MaxConnections is <= 0)
        {
            failures.Add($"{nameof(VelithonOptions.MaxConnections)} must be positive, or null for no limit (it is {options.MaxConnections})");
        }

        if (options.MaxConnectionsPerIp is <= 0)
        {
            failures.Add($"{nameof(VelithonOptions.MaxConnectionsPerIp)} must be positive, or null for no limit (it is {options.MaxConnectionsPerIp})");
        }

        // The rule the runtime matches handshakes with and the build checks [AllowedOrigins] with (VLT0030).
        foreach (var origin in options.AllowedOrigins)
        {
            if (origin != "*" && OriginSyntax.Parse(origin, out _) is { } problem)
            {
                failures.Add(OriginPolicy.NotAnOrigin(nameof(VelithonOptions.AllowedOrigins), origin, problem));
            }
        }

        if (options.MessageRateLimit is { } rateLimit
            && (rateLimit.TokenLimit <= 0 || rateLimit.TokensPerPeriod <= 0 || rateLimit.ReplenishmentPeriod <= TimeSpan.Zero))
        {
            failures.Add($"{nameof(VelithonOptions.MessageRateLimit)} needs a positive TokenLimit, TokensPerPeriod and ReplenishmentPeriod (it has {rateLimit.TokenLimit}, {rateLimit.TokensPerPeriod} and {rateLimit.ReplenishmentPeriod})");
        }

        if (options.Compression.ServerMaxWindowBits is < 9 or > 15)
        {
            failures.Add($"{nameof(VelithonOptions.Compression)}.{nameof(WebSocketCompressionOptions.ServerMaxWindowBits)} must be between 9 and 15, as RFC 7692 allows (it is {options.Compression.ServerMaxWindowBits})");
        }

        if (options.BroadcastQueueLimit <= 0)
        {
            failures.Add($"{nameof(VelithonOptions.BroadcastQueueLimit)} must be a positive number of messages (it is {options.BroadcastQueueLimit})");
        }

        if (!Enum.IsDefined(options.SlowConsumerPolicy))
        {
            failures.Add($"{nameof(VelithonOptions.SlowConsumerPolicy)} has the undefined value {(int)options.SlowConsumerPolicy}");
        }

        if (!Enum.IsDefined(options.InvalidMessageBehavior))
        {
            failures.Add($"{nameof(VelithonOptions.InvalidMessageBehavior)} has the undefined value {(int)options.InvalidMessageBehavior}");
        }

        if (options.MaxPendingRequests <= 0)
        {
            failures.Add($"{nameof(VelithonOptions.MaxPendingRequests)} must be a positive number of requests (it is {options.MaxPendingRequests})");
        }

        if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{nameof(VelithonOptions.RequestTimeout)} must be positive, or Timeout.InfiniteTimeSpan for none (it is {options.RequestTimeout})");
        }

        var presence = options.Presence;
        if (presence.HeartbeatInterval <= TimeSpan.Zero || presence.Timeout <= presence.HeartbeatInterval)
        {
            failures.Add($"Presence.HeartbeatInterval must be positive and shorter than Presence.Timeout (they are {presence.HeartbeatInterval} and {presence.Timeout})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
