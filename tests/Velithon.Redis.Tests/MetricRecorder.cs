using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Velithon.Redis.Tests;

/// <summary>
/// Listens to one server's <c>Velithon</c> meter (told apart from the other servers' in the process by the meter
/// factory that created it) and sums each instrument's measurements, in total and by tag.
/// </summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public MetricRecorder(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Velithon" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
            foreach (var tag in tags)
            {
                _totals.AddOrUpdate($"{instrument.Name}[{tag.Key}={tag.Value}]", value, (_, total) => total + value);
                if (value > 0)
                {
                    _totals.AddOrUpdate($"{instrument.Name}[{tag.Key}={tag.Value}]+", value, (_, total) => total + value);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>The sum of <paramref name="instrument"/>'s measurements whose backplane topic tag is <paramref name="topic"/> (all of them when null).</summary>
    public long Total(string instrument, string? topic = null) =>
        _totals.TryGetValue(topic is null ? instrument : $"{instrument}[velithon.backplane.topic={topic}]", out long total) ? total : 0;

    /// <summary>The sum of the positive measurements only, with that topic tag: for an up-down counter, how often it went up.</summary>
    public long Increments(string instrument, string topic) =>
        _totals.TryGetValue($"{instrument}[velithon.backplane.topic={topic}]+", out long total) ? total : 0;

    /// <summary>The sum of <paramref name="instrument"/>'s measurements with the tag <paramref name="tag"/> = <paramref name="value"/>.</summary>
    public long Tagged(string instrument, string tag, string value) =>
        _totals.TryGetValue($"{instrument}[{tag}={value}]", out long total) ? total : 0;

    /// <summary>Waits, bounded, until <see cref="Total"/> reaches <paramref name="expected"/>: the server counts after it delivers.</summary>
    public async Task WaitForTotalAsync(string instrument, string topic, long expected)
    {
        using var timeout = new CancellationTokenSource(TestClient.Timeout);
        while (Total(instrument, topic) < expected)
        {
            await Task.Delay(10, timeout.Token);
        }

        Assert.Equal(expected, Total(instrument, topic));
    }

    public void Dispose() => _listener.Dispose();
}
