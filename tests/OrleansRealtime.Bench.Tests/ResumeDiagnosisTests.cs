using OrleansRealtime.Bench.Load;
using OrleansRealtime.Bench.Load.Dialects;
using OrleansRealtime.Bench.Load.Subscribers;
using OrleansRealtime.Bench.ScaleOut;

namespace OrleansRealtime.Bench.Tests;

/// <summary>
/// The scale-out bench's account of a killed gateway's clients: the gateway's resume ack and control frames read as
/// docs/protocol.md writes them, and every hole attributed to its cause (before the kill, after <c>recovered:true</c>,
/// after <c>recovered:false</c>) with the slow-consumer closes counted apart.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ResumeDiagnosisTests
{
    [Fact]
    public void TheGatewayDialectReadsTheRecoveredFlagAndKnowsCloseAndErrorFrames()
    {
        var dialect = GatewayDialect.Frames;

        dialect.ReadRecovered("{\"type\":\"ack\",\"id\":1,\"offset\":9,\"epoch\":\"e\",\"recovered\":false}"u8).Should().BeFalse();
        dialect.ReadRecovered("{\"type\":\"ack\",\"id\":1,\"offset\":9,\"epoch\":\"e\",\"recovered\":true}"u8).Should().BeTrue();
        dialect.ReadRecovered("{\"type\":\"ack\",\"id\":1,\"offset\":9,\"epoch\":\"e\"}"u8).Should().BeNull();
        dialect.IsIncident("{\"type\":\"close\",\"code\":\"shutdown\",\"reconnect\":true}"u8).Should().BeTrue();
        dialect.IsIncident("{\"type\":\"error\",\"code\":\"unavailable\"}"u8).Should().BeTrue();
        dialect.IsIncident("{\"type\":\"ping\"}"u8).Should().BeFalse();
    }

    [Fact]
    public void HolesAreAttributedToTheKillOrToWhatTheResumeAckSaid()
    {
        var early = new ScriptedSubscriber();
        early.Deliver(1, 2, 4);
        var announced = new ScriptedSubscriber();
        announced.Deliver(1, 2);
        var broken = new ScriptedSubscriber();
        broken.Deliver(1, 2);
        var slow = new ScriptedSubscriber();
        slow.Deliver(1, 2);
        Subscriber[] moved = [early, announced, broken, slow];
        var before = ResumeDiagnosis.Snapshot(moved);

        early.Resume(since: 4, "{\"type\":\"ack\",\"id\":1,\"offset\":6,\"epoch\":\"e\",\"recovered\":true}");
        early.Deliver(5, 6);
        announced.Resume(since: 2, "{\"type\":\"ack\",\"id\":1,\"offset\":10,\"epoch\":\"e\",\"recovered\":false}");
        announced.Deliver(11);
        broken.Resume(since: 2, "{\"type\":\"ack\",\"id\":1,\"offset\":8,\"epoch\":\"e\",\"recovered\":true}");
        broken.Deliver(3, 6, 7, 8);
        slow.Resume(since: 2, "{\"type\":\"ack\",\"id\":1,\"offset\":8,\"epoch\":\"e\",\"recovered\":true}");
        slow.Close("server closed: 4008 client does not read fast enough");
        var diagnosis = ResumeDiagnosis.Of(moved, before);

        diagnosis.Should().BeEquivalentTo(new
        {
            Resumed = 4,
            RecoveredFalse = 1,
            RecoveredUnknown = 0,
            SlowConsumerCloses = 1,
            Incidents = 1,
            MissingBeforeKill = 1L,
            MissingAfterRecoveredTrue = 2L,
            MissingAfterRecoveredFalse = 8L,
            ClientsWithHoles = 3,
            LongestReplay = 8L,
        });
        diagnosis.Examples.Should().Contain(e => e.Contains("missing 3..3 (1) before the kill", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("missing 3..10 (8) after resuming since 2 (ack top 10, recovered:false)", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("missing 4..5 (2) after resuming since 2 (ack top 8, recovered:true)", StringComparison.Ordinal));
    }

    /// <summary>A subscriber fed by the test instead of a socket: the same set-up and counting code as the real ones.</summary>
    private sealed class ScriptedSubscriber : Subscriber
    {
        public ScriptedSubscriber()
            : base(new PhaseClock())
        {
            OnSetupMessage("{\"type\":\"ack\",\"id\":1,\"offset\":0,\"epoch\":\"e\"}"u8, GatewayDialect.Frames, resume: null);
        }

        public void Deliver(params long[] offsets)
        {
            foreach (var offset in offsets)
                OnMessage(offset, sentAt: 0, now: 0);
        }

        public void Resume(long since, string ack)
        {
            ResetSetup();
            OnSetupMessage(System.Text.Encoding.UTF8.GetBytes(ack), GatewayDialect.Frames, new ResumePoint(since, "e"));
        }

        public void Close(string reason) => Closed(reason);

        public override Task ConnectAsync(SubscriberEndpoint endpoint, CancellationToken cancellationToken) =>
            throw new NotSupportedException("scripted");

        public override void Dispose()
        {
        }
    }
}
