using System.Globalization;
using OrleansRealtime.Bench.Harness;
using static OrleansRealtime.Bench.Harness.OptionValues;

namespace OrleansRealtime.Bench.ScaleOut;

/// <summary>The <c>scaleout</c> command line: 2 silos on Redis, 1 vs 2 vs 3 gateway processes.</summary>
internal sealed class ScaleOutOptions : IBenchOptions
{
    public const string Help =
        """
        scaleout options (defaults in brackets):
          --gateways a,b           gateway counts to compare, each a fresh cluster per run [1,2,3]
          --silos N                silo processes on Redis [2]
          --subscribers N          subscribers on one channel, spread evenly over the gateways [3000]
          --duration S             saturation window, after warm-up [10]
          --warmup S               saturated publishing before the window opens [3]
          --latency-duration S     fixed-rate phase at --rate-percent of saturation (cross-gateway latency) [5]
          --rate-percent P         latency phase rate, % of the configuration's saturation publish rate [50]
          --window N               publishes in flight awaiting their ack [64]
          --max-lead N             how far the publisher may run ahead of the slowest subscriber [1000]
          --kill-rate R            publish rate while a gateway is killed and its clients resume (2+ gateways) [200]
          --lease S                presence lease (silos' Realtime:Presence:LeaseSeconds; gateways renew every S/3) [30]
          --history N              messages of history per channel (Realtime:History:Size); a resume must find every
                                   message published since its client's last one: [kill-rate × 60 s resume time-out]
          --resume-jitter S        the killed gateway's clients reconnect all at once, each after a random delay below
                                   S, like real clients with jittered backoff; 0: --connect-parallelism at a time [0]
        """ + "\n" + RunOptions.Help;

    public IReadOnlyList<int> GatewayCounts { get; private set; } = [1, 2, 3];

    public int Silos { get; private set; } = 2;

    public int Subscribers { get; private set; } = 3000;

    public double DurationSeconds { get; private set; } = 10;

    public double WarmupSeconds { get; private set; } = 3;

    public double LatencySeconds { get; private set; } = 5;

    public double RatePercent { get; private set; } = 50;

    public int Window { get; private set; } = 64;

    public int MaxLead { get; private set; } = 1000;

    public double KillRate { get; private set; } = 200;

    public int LeaseSeconds { get; private set; } = 30;

    /// <summary>How long the killed gateway's clients may take to resume and catch up before the run fails.</summary>
    public static TimeSpan ResumeTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// History per channel. The default holds everything published at the kill rate for the whole resume time-out, so a
    /// client that resumes in time never finds its <c>since</c> trimmed (the sizing rule of k8s/README.md).
    /// </summary>
    public int HistorySize => _historySize ?? (int)Math.Ceiling(KillRate * ResumeTimeout.TotalSeconds);

    public double ResumeJitterSeconds { get; private set; }

    private int? _historySize;

    public RunOptions Run { get; } = new();

    public static ScaleOutOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ScaleOutOptions();
        options.Run.Parse(args, options.Option);
        return options;
    }

    public string Describe() =>
        $"gateways={string.Join(',', GatewayCounts)}, silos={Silos}, subscribers={Subscribers}, warmup={F(WarmupSeconds)} s, duration={F(DurationSeconds)} s, " +
        $"latency-duration={F(LatencySeconds)} s at {F(RatePercent)}% of saturation, window={Window}, max-lead={MaxLead}, kill-rate={F(KillRate)} msg/s, " +
        $"lease={LeaseSeconds} s, history={HistorySize}, resume-jitter={F(ResumeJitterSeconds)} s, {Run.Describe()}";

    private bool Option(string name, Func<string> value)
    {
        switch (name)
        {
            case "--gateways": GatewayCounts = ParseCounts(name, value()); return true;
            case "--silos": Silos = PositiveInt(name, value()); return true;
            case "--subscribers": Subscribers = PositiveInt(name, value()); return true;
            case "--duration": DurationSeconds = PositiveDouble(name, value()); return true;
            case "--warmup": WarmupSeconds = NonNegativeDouble(name, value()); return true;
            case "--latency-duration": LatencySeconds = PositiveDouble(name, value()); return true;
            case "--rate-percent": RatePercent = PositiveDouble(name, value()); return true;
            case "--window": Window = PositiveInt(name, value()); return true;
            case "--max-lead": MaxLead = PositiveInt(name, value()); return true;
            case "--kill-rate": KillRate = PositiveDouble(name, value()); return true;
            case "--lease": LeaseSeconds = PositiveInt(name, value()); return true;
            case "--history": _historySize = PositiveInt(name, value()); return true;
            case "--resume-jitter": ResumeJitterSeconds = NonNegativeDouble(name, value()); return true;
            default: return false;
        }
    }

    private static List<int> ParseCounts(string name, string value)
    {
        var counts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => PositiveInt(name, v)).Distinct().ToList();
        return counts.Count > 0 ? counts : throw new ArgumentException($"{name} names no gateway count");
    }

    internal static string Seconds(int value) => value.ToString(CultureInfo.InvariantCulture);
}
