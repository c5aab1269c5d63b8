using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Velithon.Runtime.Tests;

/// <summary>Listens to one test server's Velithon meter and throws, once, from the callback for a measurement of <c>value</c>.</summary>
internal sealed class ThrowingMeterListener : IDisposable
{
    public const string Message = "The meter listener failed on purpose.";

    private readonly MeterListener _listener = new();
    private readonly TaskCompletionSource _thrown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armed = 1;

    public ThrowingMeterListener(TestServer server, string instrumentName, long value)
    {
        var factory = server.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Velithon" && ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == instrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, measurement, _, _) =>
        {
            if (measurement == value && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _thrown.TrySetResult();
                throw new InvalidOperationException(Message);
            }
        });
        _listener.Start();
    }

    public Task Thrown => _thrown.Task;

    public void Dispose() => _listener.Dispose();
}
