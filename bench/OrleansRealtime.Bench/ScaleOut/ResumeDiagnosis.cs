using System.Globalization;
using OrleansRealtime.Bench.Load.Subscribers;

namespace OrleansRealtime.Bench.ScaleOut;

/// <summary>
/// What happened to the killed gateway's clients after they resumed elsewhere, so that a loss says where it came from:
/// how many resume acks said <c>recovered:false</c> (the history no longer reached back to their <c>since</c>), how
/// many connections the new gateway closed (slow consumers among them), and the holes, by cause. A hole after
/// <c>recovered:false</c> is announced loss, one after <c>recovered:true</c> is a broken promise, one from before the
/// kill happened on the old gateway. All of them count against the run: the issue asks that every message be recovered.
/// </summary>
internal sealed record ResumeDiagnosis
{
    private const int MaxExamples = 8;

    public int Resumed { get; init; }

    public int RecoveredFalse { get; init; }

    public int RecoveredUnknown { get; init; }

    public int SlowConsumerCloses { get; init; }

    /// <summary>Close and error frames or connection ends after the resume, slow-consumer closes included.</summary>
    public int Incidents { get; init; }

    public long MissingBeforeKill { get; init; }

    public long MissingAfterRecoveredTrue { get; init; }

    public long MissingAfterRecoveredFalse { get; init; }

    public int ClientsWithHoles { get; init; }

    /// <summary>The longest replay asked for: a resume ack's top offset minus the client's <c>since</c>, to compare with the history size.</summary>
    public long LongestReplay { get; init; }

    /// <summary>Up to <see cref="MaxExamples"/> holes and incidents, each naming the client's <c>since</c> and the missing range.</summary>
    public IReadOnlyList<string> Examples { get; init; } = [];

    /// <summary>Where each moved client was before it moved: how many holes and incidents it had then.</summary>
    public static IReadOnlyList<(int Holes, int Incidents)> Snapshot(IReadOnlyList<Subscriber> moved) =>
        [.. moved.Select(s => (s.Holes.Count, s.Incidents.Count))];

    public static ResumeDiagnosis Of(IReadOnlyList<Subscriber> moved, IReadOnlyList<(int Holes, int Incidents)> before)
    {
        long beforeKill = 0, afterTrue = 0, afterFalse = 0;
        int recoveredFalse = 0, unknown = 0, slow = 0, incidents = 0, withHoles = 0;
        long longestReplay = 0;
        var examples = new List<string>();
        for (var i = 0; i < moved.Count; i++)
        {
            var subscriber = moved[i];
            if (subscriber.Recovered is false)
                recoveredFalse++;
            else if (subscriber.Recovered is null)
                unknown++;

            if (subscriber is { ResumeAckOffset: { } top, ResumedSince: { } since })
                longestReplay = Math.Max(longestReplay, top - since);

            var holes = subscriber.Holes;
            if (holes.Count > 0)
                withHoles++;
            for (var h = 0; h < holes.Count; h++)
            {
                var hole = holes[h];
                if (h < before[i].Holes)
                    beforeKill += hole.Count;
                else if (hole.Recovered is false)
                    afterFalse += hole.Count;
                else
                    afterTrue += hole.Count;
                if (examples.Count < MaxExamples)
                    examples.Add(Describe(i, subscriber, hole, h < before[i].Holes));
            }

            var seen = subscriber.Incidents;
            for (var n = before[i].Incidents; n < seen.Count; n++)
            {
                incidents++;
                if (seen[n].Contains("slow_consumer", StringComparison.Ordinal) || seen[n].Contains("4008", StringComparison.Ordinal))
                    slow++;
                if (examples.Count < MaxExamples)
                    examples.Add($"client {i} (since {Offset(subscriber.ResumedSince)}): {seen[n]}");
            }
        }

        return new ResumeDiagnosis
        {
            Resumed = moved.Count,
            RecoveredFalse = recoveredFalse,
            RecoveredUnknown = unknown,
            SlowConsumerCloses = slow,
            Incidents = incidents,
            MissingBeforeKill = beforeKill,
            MissingAfterRecoveredTrue = afterTrue,
            MissingAfterRecoveredFalse = afterFalse,
            ClientsWithHoles = withHoles,
            LongestReplay = longestReplay,
            Examples = examples,
        };
    }

    public string Summary() =>
        $"{Resumed} resumed (longest replay {LongestReplay}): recovered:false {RecoveredFalse}, no recovered flag {RecoveredUnknown}; {Incidents} close/error after resuming " +
        $"({SlowConsumerCloses} slow consumer); {ClientsWithHoles} clients with holes, missing {MissingBeforeKill} before the kill, " +
        $"{MissingAfterRecoveredTrue} after recovered:true, {MissingAfterRecoveredFalse} after recovered:false";

    private static string Describe(int client, Subscriber subscriber, Hole hole, bool beforeKill) =>
        $"client {client}: missing {hole.From}..{hole.To} ({hole.Count}) " +
        (beforeKill
            ? "before the kill"
            : $"after resuming since {Offset(hole.Since)} (ack top {Offset(subscriber.ResumeAckOffset)}, recovered:{Flag(hole.Recovered)})");

    private static string Offset(long? offset) => offset?.ToString(CultureInfo.InvariantCulture) ?? "n/a";

    private static string Flag(bool? value) => value switch { true => "true", false => "false", null => "n/a" };
}
