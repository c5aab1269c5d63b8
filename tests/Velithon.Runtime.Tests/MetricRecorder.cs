using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Velithon.Runtime.Tests;

/// <summary>
/// Listens to one test server's <c>Velithon</c> meter (told apart from other servers' by the meter factory
/// that created it) and sums each instrument's measurements by tag set.
/// </summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public MetricRecorder(TestServer server)
    {
        var factory = server.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Velithon" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            Measured?.Invoke(instrument.Name, value);
            _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
            foreach (var tag in tags)
            {
                _totals.AddOrUpdate($"{instrument.Name}[{tag.Key}={tag.Value}]", value, (_, total) => total + value);
            }
        });
        _listener.Start();
    }

    /// <summary>
    /// Called with each measurement, on the thread that made it, before the runtime goes on: a test can act at the exact
    /// point where the runtime counts something.
    /// </summary>
    public Action<string, long>? Measured { get; set; }

    /// <summary>The sum of <paramref name="instrument"/>'s measurements, optionally only those with <paramref name="tag"/> (<c>key=value</c>).</summary>
    public long Total(string instrument, string? tag = null) =>
        _totals.TryGetValue(tag is null ? instrument : $"{instrument}[{tag}]", out long total) ? total : 0;

    public void Dispose() => _listener.Dispose();
}
