using System.Globalization;
using System.Text.Json;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>
/// One connection sending publications without waiting for their acks (pipelining), with a small in-flight limit so
/// the backpressure path is taken: offsets follow the send order per channel whatever the interleaving, every
/// publication is answered by id with its own offset, and a refused one in the middle gets its own error.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class PipelinedPublishTests(PipelinedPublishTests.Fixture fixture) : IClassFixture<PipelinedPublishTests.Fixture>
{
    public const int InFlight = 3;

    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Limits:MaxPublishesInFlight"] = InFlight.ToString(CultureInfo.InvariantCulture),
        };
    }

    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public async Task InterleavedPipelinedPublishesKeepTheSendOrderPerChannel()
    {
        const int perChannel = 30;
        string[] channels = [TestNames.Channel(), TestNames.Channel(), TestNames.Channel()];
        await using var subscriber = await Gateway.ConnectAsync();
        await subscriber.SubscribeAsync(channels[0]);
        await using var publisher = await Gateway.ConnectAsync("user=pub");

        // Frame k goes to channel k % 3 and carries its sequence number within that channel.
        var total = perChannel * channels.Length;
        for (var k = 0; k < total; k++)
            await publisher.SendAsync(new { id = k, type = "publish", channel = channels[k % channels.Length], data = k / channels.Length });

        var acks = new Dictionary<int, JsonElement>();
        while (acks.Count < total)
        {
            var answer = await publisher.NextAsync(f => f.TryGetProperty("id", out _), $"the answers to {total} publications");
            answer.GetProperty("type").GetString().Should().Be("ack", $"every publication succeeds: {answer}");
            acks.Add(answer.GetProperty("id").GetInt32(), answer);
        }

        for (var c = 0; c < channels.Length; c++)
        {
            var offsets = Enumerable.Range(0, perChannel).Select(seq => acks[seq * channels.Length + c]).ToList();
            offsets.Should().OnlyContain(ack => ack.GetProperty("channel").GetString() == channels[c]);
            offsets.Select(ack => ack.GetProperty("offset").GetInt64()).Should().Equal(
                Enumerable.Range(1, perChannel).Select(i => (long)i), "channel {0}'s offsets follow its send order", c);
        }

        var delivered = await subscriber.MessagesAsync(channels[0], perChannel);
        delivered.Select(m => m.GetProperty("data").GetInt32()).Should().Equal(Enumerable.Range(0, perChannel));
    }

    [Fact]
    public async Task ARefusedPublicationAmongPipelinedOnesGetsItsOwnErrorAndTheOthersTheirOffsets()
    {
        var channel = TestNames.Channel();
        await using var publisher = await Gateway.ConnectAsync();

        await publisher.SendAsync(new { id = "a", type = "publish", channel, data = 1 });
        await publisher.SendAsync(new { id = "b", type = "publish", channel });
        await publisher.SendAsync(new { id = "c", type = "publish", channel = "bad channel*", data = 3 });
        await publisher.SendAsync(new { id = "d", type = "publish", channel, data = 4 });

        var answers = new Dictionary<string, JsonElement>();
        while (answers.Count < 4)
        {
            var answer = await publisher.NextAsync(f => f.TryGetProperty("id", out _), "the four answers");
            answers.Add(answer.GetProperty("id").GetString()!, answer);
        }

        answers["a"].GetProperty("offset").GetInt64().Should().Be(1);
        answers["b"].GetProperty("type").GetString().Should().Be("error");
        answers["b"].GetProperty("code").GetString().Should().Be("bad_request");
        answers["c"].GetProperty("type").GetString().Should().Be("error");
        answers["c"].GetProperty("code").GetString().Should().Be("bad_request");
        answers["d"].GetProperty("offset").GetInt64().Should().Be(2, "refused publications take no offset");
    }

    [Fact]
    public async Task PublicationsFromManyConnectionsToOneChannelAllGetDistinctOffsets()
    {
        const int connections = 4;
        const int each = 20;
        var channel = TestNames.Channel();
        var clients = new List<RealtimeTestClient>();
        try
        {
            for (var i = 0; i < connections; i++)
                clients.Add(await Gateway.ConnectAsync());

            var perClient = await Task.WhenAll(clients.Select(async client =>
            {
                for (var k = 0; k < each; k++)
                    await client.SendAsync(new { id = k, type = "publish", channel, data = k });
                var offsets = new long[each];
                for (var answered = 0; answered < each; answered++)
                {
                    var ack = RealtimeClient.ExpectAck(await client.NextAsync(f => f.TryGetProperty("id", out _), "an ack"));
                    offsets[ack.GetProperty("id").GetInt32()] = ack.GetProperty("offset").GetInt64();
                }

                return offsets;
            }));

            perClient.Should().OnlyContain(offsets => offsets.SequenceEqual(offsets.Order()) && offsets.Distinct().Count() == each,
                "each connection's offsets follow its send order");
            perClient.SelectMany(o => o).Order().Should().Equal(Enumerable.Range(1, connections * each).Select(i => (long)i));
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }
}
