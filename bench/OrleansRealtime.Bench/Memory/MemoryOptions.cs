using OrleansRealtime.Bench.Harness;
using static OrleansRealtime.Bench.Harness.OptionValues;

namespace OrleansRealtime.Bench.Memory;

/// <summary>The <c>memory</c> command line. Defaults (6 transports × 3 runs × 1,000 connections) take about 2.5 minutes on two cores.</summary>
internal sealed class MemoryOptions : IBenchOptions
{
    public const string Help =
        """
        memory options (defaults in brackets):
          --transports a,b         websocket, websocket-batch, websocket-deflate, sse, polling, signalr [all six]
          --connections N          idle subscribed connections measured per run [1000]
          --warmup-connections N   connections opened (and kept) before the baseline, so first-use costs (JIT, pools) stay out of the difference [10]
          --settle S               wait before each measurement [2]
        """ + "\n" + RunOptions.Help;

    public RunOptions Run { get; } = new();

    public IReadOnlyList<BenchSystem> Systems { get; private set; } = BenchSystem.Transports;

    public int Connections { get; private set; } = 1000;

    public int WarmupConnections { get; private set; } = 10;

    public double SettleSeconds { get; private set; } = 2;

    public static MemoryOptions Parse(IReadOnlyList<string> args)
    {
        var options = new MemoryOptions();
        options.Run.Parse(args, options.Option);
        return options;
    }

    public string Describe() =>
        $"connections={Connections}, warmup-connections={WarmupConnections}, settle={F(SettleSeconds)} s, " +
        $"transports={string.Join(',', Systems.Select(s => s.Name))}, {Run.Describe()}";

    private bool Option(string name, Func<string> value)
    {
        switch (name)
        {
            case "--transports": Systems = BenchSystem.ParseList(value(), BenchSystem.Transports, name); return true;
            case "--connections": Connections = PositiveInt(name, value()); return true;
            case "--warmup-connections": WarmupConnections = PositiveInt(name, value()); return true;
            case "--settle": SettleSeconds = NonNegativeDouble(name, value()); return true;
            default: return false;
        }
    }
}
