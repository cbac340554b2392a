using System.Buffers.Text;
using System.Text;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Connections;

namespace OrleansRealtime.Unit.Tests.Connections;

/// <summary>SSE resume tokens carry channel and stream subscriptions, and refuse what they cannot vouch for.</summary>
[Trait("Category", "Unit")]
public sealed class ResumeTokenTests
{
    [Fact]
    public void ChannelsAndStreamsRoundTripSeparately()
    {
        var token = ResumeToken.Encode(
            [KeyValuePair.Create("news", new RecoveryPosition(42, "e1"))],
            [KeyValuePair.Create("news", new RecoveryPosition(7, "s1")), KeyValuePair.Create("analytics", new RecoveryPosition(1001, "s2"))]);

        ResumeToken.TryDecode(token, 10, out var positions, out var error).Should().BeTrue(error);

        positions.Channels.Should().Equal(new Dictionary<string, RecoveryPosition> { ["news"] = new(42, "e1") });
        positions.Streams.Should().BeEquivalentTo(new Dictionary<string, RecoveryPosition> { ["news"] = new(7, "s1"), ["analytics"] = new(1001, "s2") },
            "a stream and a channel of the same name are different subscriptions");
    }

    [Fact]
    public void ATokenWithoutStreamsNamesNone()
    {
        var token = ResumeToken.Encode([KeyValuePair.Create("news", new RecoveryPosition(1, "e1"))]);

        ResumeToken.TryDecode(token, 10, out var positions, out _).Should().BeTrue();

        Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Should().Be("""{"v":1,"c":[["news","e1",1]]}""", "tokens of connections without streams keep their old form");
        positions.Streams.Should().BeEmpty();
    }

    [Theory]
    [InlineData("""{"v":1,"c":[],"s":[["a b","e1",1]]}""", "invalid entry")]
    [InlineData("""{"v":1,"c":[],"s":[["analytics","e1",-1]]}""", "invalid entry")]
    [InlineData("""{"v":1,"c":[],"s":{"analytics":1}}""", "unknown format")]
    [InlineData("""{"v":1,"c":[["a","e",1],["b","e",1]],"s":[["c","e",1]]}""", "more than 2")]
    public void AStreamEntryItCannotVouchForRefusesTheWholeToken(string json, string reason)
    {
        var token = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

        ResumeToken.TryDecode(token, 2, out _, out var error).Should().BeFalse();

        error.Should().Contain(reason);
    }
}
