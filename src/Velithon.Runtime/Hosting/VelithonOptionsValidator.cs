using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace Velithon.Hosting;

/// <summary>Checks <see cref="VelithonOptions"/> when the host starts, so a bad value fails early with a clear message.</summary>
internal sealed class VelithonOptionsValidator : IValidateOptions<VelithonOptions>
{
    public ValidateOptionsResult Validate(string? name, VelithonOptions options)
    {
        var failures = new List<string>();
        if (options.MaxMessageSize <= 0)
        {
            failures.Add($"{nameof(VelithonOptions.MaxMessageSize)} must be a positive number of bytes; it is {options.MaxMessageSize}.");
        }

        if (options.MaxMessageSize == int.MaxValue)
        {
            failures.Add($"{nameof(VelithonOptions.MaxMessageSize)} must be less than int.MaxValue.");
        }

        if (options.CloseTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(VelithonOptions.CloseTimeout)} must be positive; it is {options.CloseTimeout}.");
        }

        if (options.KeepAliveInterval < TimeSpan.Zero)
        {
            failures.Add($"{nameof(VelithonOptions.KeepAliveInterval)} must be zero (off) or positive; it is {options.KeepAliveInterval}.");
        }

        if (options.JsonSerializerOptions is null)
        {
            failures.Add($"{nameof(VelithonOptions.JsonSerializerOptions)} must not be null.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
