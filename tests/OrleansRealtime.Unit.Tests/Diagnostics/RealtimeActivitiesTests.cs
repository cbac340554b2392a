using System.Diagnostics;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Diagnostics;

namespace OrleansRealtime.Unit.Tests.Diagnostics;

/// <summary>Spans cost nothing until something listens to the <c>OrleansRealtime</c> source.</summary>
[Trait("Category", "Unit")]
public sealed class RealtimeActivitiesTests
{
    [Fact]
    public void WithoutAListenerNoSpanIsCreated()
    {
        RealtimeActivities.Source.HasListeners().Should().BeFalse("nothing in this test process listens to the gateway's source");

        RealtimeActivities.StartPublish("news", RealtimeActivities.ViaRest).Should().BeNull();
        RealtimeActivities.StartDelivery(new ChannelMessage("news", 1, "e1", [], null, 0, MessagePriority.Normal)).Should().BeNull();
    }
}
