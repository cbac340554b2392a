using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace OrleansRealtime.Gateway.Diagnostics;

/// <summary>
/// Reads this gateway's own <c>OrleansRealtime</c> meter for the JSON endpoints: a <see cref="MeterListener"/> keeps
/// running totals of the very measurements the Prometheus exporter sees, so the two views cannot drift.
/// </summary>
/// <remarks>
/// Counters and up-down counters are summed as they are recorded (one <see cref="Interlocked"/> add per tag), so
/// the reader must exist before traffic: it is created when the gateway is mapped. Observable instruments are
/// collected on each <see cref="Snapshot"/>; histograms keep count, sum, min and max.
/// </remarks>
internal sealed class MetricsReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, InstrumentTotals> _instruments = new(StringComparer.Ordinal);
    private readonly Lock _snapshotLock = new();

    public MetricsReader(RealtimeMetrics metrics)
    {
        var meter = metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this gateway's meter: other hosts in the process have meters of the same name.
            if (!ReferenceEquals(instrument.Meter, meter) || InstrumentTotals.Create(instrument) is not { } totals)
                return;
            _instruments[instrument.Name] = totals;
            listener.EnableMeasurementEvents(instrument, totals);
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentTotals)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentTotals)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentTotals)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Every instrument of the meter by name, observable ones collected now.</summary>
    public IReadOnlyDictionary<string, MetricValue> Snapshot()
    {
        lock (_snapshotLock)
        {
            foreach (var totals in _instruments.Values)
                totals.BeginObservation();
            _listener.RecordObservableInstruments();

            var snapshot = new SortedDictionary<string, MetricValue>(StringComparer.Ordinal);
            foreach (var (name, totals) in _instruments)
                snapshot[name] = totals.Read();
            return snapshot;
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>What one instrument has recorded so far.</summary>
    private abstract class InstrumentTotals(Instrument instrument, string kind)
    {
        /// <summary>The instruments the gateway uses: integer counters and gauges, and histograms.</summary>
        public static InstrumentTotals? Create(Instrument instrument) => instrument switch
        {
            ObservableGauge<long> or ObservableGauge<int> => new Sums(instrument, "gauge", observed: true),
            ObservableCounter<long> or ObservableCounter<int> => new Sums(instrument, "counter", observed: true),
            ObservableUpDownCounter<long> or ObservableUpDownCounter<int> => new Sums(instrument, "updowncounter", observed: true),
            Counter<long> or Counter<int> => new Sums(instrument, "counter", observed: false),
            UpDownCounter<long> or UpDownCounter<int> => new Sums(instrument, "updowncounter", observed: false),
            Histogram<double> or Histogram<long> or Histogram<int> => new Distribution(instrument),
            _ => null,
        };

        public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

        public abstract void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

        public virtual void BeginObservation()
        {
        }

        public abstract MetricValue Read();

        protected MetricValue Describe() => new(kind, instrument.Unit, instrument.Description);
    }

    /// <summary>
    /// A total and, per tag key, a total per tag value. Recorded measurements add up; an observable instrument's
    /// totals are reset before each collection, so they hold what its callback reported last.
    /// </summary>
    private sealed class Sums(Instrument instrument, string kind, bool observed) : InstrumentTotals(instrument, kind)
    {
        private readonly ConcurrentDictionary<(string Key, string Value), StrongBox<long>> _byTag = new();
        private long _total;

        public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Record((long)value, tags);

        public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            Interlocked.Add(ref _total, value);
            foreach (var tag in tags)
            {
                var cell = _byTag.GetOrAdd((tag.Key, tag.Value as string ?? tag.Value?.ToString() ?? string.Empty), static _ => new StrongBox<long>());
                Interlocked.Add(ref cell.Value, value);
            }
        }

        public override void BeginObservation()
        {
            if (!observed)
                return;
            Volatile.Write(ref _total, 0);
            _byTag.Clear();
        }

        public override MetricValue Read()
        {
            Dictionary<string, Dictionary<string, long>>? by = null;
            foreach (var ((key, value), cell) in _byTag)
            {
                by ??= new(StringComparer.Ordinal);
                if (!by.TryGetValue(key, out var values))
                    by[key] = values = new(StringComparer.Ordinal);
                values[value] = Interlocked.Read(ref cell.Value);
            }

            return Describe() with { Value = Interlocked.Read(ref _total), By = by };
        }
    }

    /// <summary>Count, sum, minimum and maximum of a histogram's recordings.</summary>
    private sealed class Distribution(Instrument instrument) : InstrumentTotals(instrument, "histogram")
    {
        private readonly Lock _lock = new();
        private long _count;
        private double _sum;
        private double _min = double.PositiveInfinity;
        private double _max = double.NegativeInfinity;

        public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Record((double)value, tags);

        public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (_lock)
            {
                _count++;
                _sum += value;
                _min = Math.Min(_min, value);
                _max = Math.Max(_max, value);
            }
        }

        public override MetricValue Read()
        {
            lock (_lock)
            {
                return Describe() with
                {
                    Count = _count,
                    Sum = _sum,
                    Min = _count > 0 ? _min : null,
                    Max = _count > 0 ? _max : null,
                };
            }
        }
    }
}

/// <summary>One instrument's values in the JSON metrics: a total (<c>value</c>, per tag in <c>by</c>) or a distribution.</summary>
internal sealed record MetricValue(string Kind, string? Unit, string? Description)
{
    public long? Value { get; init; }

    /// <summary>Per tag key, the total per tag value, e.g. <c>{"transport":{"websocket":3}}</c>.</summary>
    public Dictionary<string, Dictionary<string, long>>? By { get; init; }

    public long? Count { get; init; }

    public double? Sum { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }
}
