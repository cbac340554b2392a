using System.Text;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Unit.Tests.Protocol;

[Trait("Category", "Unit")]
public sealed class ClientFrameParserTests
{
    // The client frames of PROTOCOL.md, verbatim, with the type each one must parse to.
    [Theory]
    [InlineData("""{"id":1,"type":"subscribe","channel":"news","since":{"offset":41,"epoch":"e1"},"filter":{"type":"user_action"}}""", "Subscribe")]
    [InlineData("""{"id":2,"type":"unsubscribe","channel":"news"}""", "Unsubscribe")]
    [InlineData("""{"id":3,"type":"publish","channel":"news","data":{"text":"hi"},"priority":"high"}""", "Publish")]
    [InlineData("""{"id":4,"type":"join","room":"lobby"}""", "Join")]
    [InlineData("""{"id":5,"type":"leave","room":"lobby"}""", "Leave")]
    [InlineData("""{"id":6,"type":"room.send","room":"lobby","event":"chat.message","data":{"text":"hi"}}""", "RoomSend")]
    [InlineData("""{"id":7,"type":"direct","to":"user-42","data":{"text":"psst"}}""", "Direct")]
    [InlineData("""{"id":8,"type":"presence.set","status":"away","state":{"typing":false}}""", "PresenceSet")]
    [InlineData("""{"id":9,"type":"presence.get","users":["user-42"]}""", "PresenceGet")]
    [InlineData("""{"id":10,"type":"history","channel":"news","since":{"offset":10,"epoch":"e1"},"limit":50}""", "History")]
    [InlineData("""{"id":11,"type":"subscribe","stream":"analytics"}""", "Subscribe")]
    [InlineData("""{"id":12,"type":"auth","token":"<jwt>"}""", "Auth")]
    [InlineData("""{"id":13,"type":"ping"}""", "Ping")]
    [InlineData("""{"type":"pong"}""", "Pong")]
    [InlineData("""{"id":14,"type":"subscribe","pattern":"metrics.*"}""", "Subscribe")]
    public void EveryProtocolFrameParsesToItsType(string json, string expectedType)
    {
        var frame = ParseOne(json);

        frame.Type.Should().Be(Enum.Parse<ClientFrameType>(expectedType));
        frame.Error.Should().BeNull();
    }

    [Fact]
    public void SubscribeFrameCarriesChannelSinceAndFilter()
    {
        var frame = ParseOne("""{"id":1,"type":"subscribe","channel":"news","since":{"offset":41,"epoch":"e1"},"filter":{"type":"user_action"}}""");

        frame.Channel.Should().Be("news");
        frame.HasSince.Should().BeTrue();
        frame.SinceOffset.Should().Be(41);
        frame.SinceEpoch.Should().Be("e1");
        Text(frame.Filter).Should().Be("""{"type":"user_action"}""");
    }

    [Fact]
    public void SubscribeFrameCarriesPatternOrStream()
    {
        ParseOne("""{"type":"subscribe","pattern":"metrics.>"}""").Pattern.Should().Be("metrics.>");
        ParseOne("""{"type":"subscribe","stream":"analytics"}""").Stream.Should().Be("analytics");
    }

    [Fact]
    public void RoomFramesCarryTheRoom()
    {
        ParseOne("""{"type":"join","room":"lobby"}""").Room.Should().Be("lobby");
    }

    [Fact]
    public void HistoryFrameCarriesSinceAndLimit()
    {
        var frame = ParseOne("""{"id":10,"type":"history","channel":"news","since":{"offset":10,"epoch":"e1"},"limit":50}""");

        frame.Channel.Should().Be("news");
        frame.SinceOffset.Should().Be(10);
        frame.SinceEpoch.Should().Be("e1");
        frame.Limit.Should().Be(50);
    }

    [Fact]
    public void SinceWithoutEpochKeepsTheOffset()
    {
        var frame = ParseOne("""{"type":"subscribe","channel":"news","since":{"offset":0}}""");

        frame.Error.Should().BeNull();
        frame.HasSince.Should().BeTrue();
        frame.SinceOffset.Should().Be(0);
        frame.SinceEpoch.Should().BeNull();
    }

    [Fact]
    public void FrameWithoutSinceHasNone()
    {
        var frame = ParseOne("""{"type":"subscribe","channel":"news"}""");

        frame.HasSince.Should().BeFalse();
        frame.HasData.Should().BeFalse();
        frame.Limit.Should().BeNull();
        frame.Priority.Should().Be(MessagePriority.Normal);
    }

    [Theory]
    [InlineData("""{"epoch":"e1"}""", "'since' needs an 'offset'")]
    [InlineData("""{"offset":-1,"epoch":"e1"}""", "since.offset")]
    [InlineData("""{"offset":"41","epoch":"e1"}""", "since.offset")]
    [InlineData("""{"offset":4.5}""", "since.offset")]
    [InlineData("""{"offset":41,"epoch":7}""", "since.epoch")]
    [InlineData("41", "'since' must be an object")]
    public void InvalidSinceIsAnError(string since, string expectedMessage)
    {
        var frame = ParseOne($$"""{"id":1,"type":"subscribe","channel":"news","since":{{since}}}""");

        frame.Error.Should().Contain(expectedMessage);
        Text(frame.Id).Should().Be("1");
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("  42  ", "42")]
    [InlineData("-7", "-7")]
    [InlineData("1.5e3", "1.5e3")]
    [InlineData("\"abc\"", "\"abc\"")]
    [InlineData("\"\"", "\"\"")]
    [InlineData("\"a\\\"b\\u00e9\"", "\"a\\\"b\\u00e9\"")]
    public void IdIsCapturedAsItsRawJson(string idJson, string expectedRaw)
    {
        var frame = ParseOne($$"""{"type":"ping","id":{{idJson}}}""");

        frame.Error.Should().BeNull();
        frame.HasId.Should().BeTrue();
        Text(frame.Id).Should().Be(expectedRaw);
    }

    [Fact]
    public void FrameWithoutIdHasNone()
    {
        ParseOne("""{"type":"ping"}""").HasId.Should().BeFalse();
    }

    [Theory]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{\"n\":1}")]
    [InlineData("[1]")]
    public void IdOfAnotherJsonTypeIsAnErrorButTheFrameStillParses(string idJson)
    {
        var frame = ParseOne($$"""{"id":{{idJson}},"type":"publish","channel":"news","data":1}""");

        frame.Error.Should().Contain("'id'");
        frame.HasId.Should().BeFalse();
        frame.Type.Should().Be(ClientFrameType.Publish);
        frame.Channel.Should().Be("news");
        Text(frame.Data).Should().Be("1");
    }

    [Theory]
    [InlineData("""{"text":"hi"}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""[]""")]
    [InlineData("""{}""")]
    [InlineData("\"just a string\"")]
    [InlineData("\"esc\\\"aped\\n\\u00e9\"")]
    [InlineData("42")]
    [InlineData("-1.5e-3")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("""{"a":{"b":[1,{"c":null,"d":[true,false,"x"]}]},"e":-0.5}""")]
    [InlineData("""{ "spaced" : [ 1 , 2 ] ,  "n" : { } }""")]
    [InlineData("""{"text":"héllo ✓"}""")]
    public void DataIsTheExactInputJsonOfTheValue(string data)
    {
        var frame = ParseOne($$"""{"type":"publish","channel":"news","data": {{data}} ,"id":3}""");

        frame.Error.Should().BeNull();
        frame.HasData.Should().BeTrue();
        Text(frame.Data).Should().Be(data);
        Text(frame.Id).Should().Be("3");
    }

    [Fact]
    public void DataSliceOfAFrameInsideABatchIsItsOwnValue()
    {
        var frames = ParseAll("""[{"type":"publish","channel":"a","data":{"n":1}},{"type":"publish","channel":"b","data":[2]}]""");

        Text(frames[0].Data).Should().Be("""{"n":1}""");
        Text(frames[1].Data).Should().Be("[2]");
    }

    [Theory]
    [InlineData("\"user_action\"")]
    [InlineData("[1]")]
    [InlineData("null")]
    [InlineData("3")]
    public void FilterMustBeAnObject(string filter)
    {
        var frame = ParseOne($$"""{"id":1,"type":"subscribe","channel":"news","filter":{{filter}}}""");

        frame.Error.Should().Be("'filter' must be an object");
        frame.Filter.IsEmpty.Should().BeTrue();
        Text(frame.Id).Should().Be("1");
    }

    [Theory]
    [InlineData("low", MessagePriority.Low)]
    [InlineData("normal", MessagePriority.Normal)]
    [InlineData("high", MessagePriority.High)]
    public void PriorityParsesItsThreeValues(string priority, MessagePriority expected)
    {
        var frame = ParseOne($$"""{"type":"publish","channel":"news","data":1,"priority":"{{priority}}"}""");

        frame.Error.Should().BeNull();
        frame.Priority.Should().Be(expected);
    }

    [Theory]
    [InlineData("\"urgent\"")]
    [InlineData("\"HIGH\"")]
    [InlineData("\"\"")]
    [InlineData("2")]
    [InlineData("null")]
    public void UnknownPriorityIsAnErrorMentioningPriority(string priority)
    {
        var frame = ParseOne($$"""{"id":3,"type":"publish","channel":"news","data":1,"priority":{{priority}}}""");

        frame.Error.Should().Contain("priority");
        Text(frame.Id).Should().Be("3");
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("50", 50)]
    [InlineData("2147483647", int.MaxValue)]
    public void LimitAcceptsNonNegativeIntegers(string limit, int expected)
    {
        var frame = ParseOne($$"""{"type":"history","channel":"news","limit":{{limit}}}""");

        frame.Error.Should().BeNull();
        frame.Limit.Should().Be(expected);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"10\"")]
    [InlineData("2147483648")]
    [InlineData("null")]
    public void LimitThatIsNotANonNegativeIntegerIsAnError(string limit)
    {
        var frame = ParseOne($$"""{"id":10,"type":"history","channel":"news","limit":{{limit}}}""");

        frame.Error.Should().Be("'limit' must be a non-negative integer");
        frame.Limit.Should().BeNull();
        Text(frame.Id).Should().Be("10");
    }

    [Fact]
    public void UnknownPropertiesAreIgnored()
    {
        var frame = ParseOne("""{"type":"publish","future":{"x":[1,{"y":"z"}]},"also":"new","channel":"news","data":7,"id":9}""");

        frame.Error.Should().BeNull();
        frame.Type.Should().Be(ClientFrameType.Publish);
        frame.Channel.Should().Be("news");
        Text(frame.Data).Should().Be("7");
        Text(frame.Id).Should().Be("9");
    }

    [Fact]
    public void MissingTypeIsAnError()
    {
        var frame = ParseOne("""{"id":1,"channel":"news"}""");

        frame.Type.Should().Be(ClientFrameType.Unknown);
        frame.Error.Should().Be("missing field 'type'");
        Text(frame.Id).Should().Be("1");
    }

    [Fact]
    public void UnknownTypeIsAnErrorNamingIt()
    {
        var frame = ParseOne("""{"id":1,"type":"teleport"}""");

        frame.Type.Should().Be(ClientFrameType.Unknown);
        frame.TypeName.Should().Be("teleport");
        frame.Error.Should().Contain("'teleport'");
    }

    [Fact]
    public void TypeThatIsNotAStringIsAnError()
    {
        var frame = ParseOne("""{"id":1,"type":3}""");

        frame.Type.Should().Be(ClientFrameType.Unknown);
        frame.Error.Should().Be("'type' must be a string");
    }

    [Theory]
    [InlineData("""{"id":5,"type":"subscribe","channel":42}""")]
    [InlineData("""{"type":"subscribe","channel":42,"id":5}""")]
    [InlineData("""{"type":"subscribe","channel":{"nested":[1,{"id":6}]},"id":5}""")]
    [InlineData("""{"type":"subscribe","channel":["news"],"id":5}""")]
    [InlineData("""{"type":"subscribe","channel":null,"id":5}""")]
    public void WrongJsonTypeForChannelIsAnErrorThatKeepsTheId(string json)
    {
        var frame = ParseOne(json);

        frame.Type.Should().Be(ClientFrameType.Subscribe);
        frame.Channel.Should().BeNull();
        frame.Error.Should().Be("'channel' must be a string");
        Text(frame.Id).Should().Be("5");
    }

    [Theory]
    [InlineData("room")]
    [InlineData("pattern")]
    [InlineData("stream")]
    public void WrongJsonTypeForOtherNamesIsAnError(string field)
    {
        var frame = ParseOne($$"""{"type":"subscribe","{{field}}":true,"id":"x"}""");

        frame.Error.Should().Be($"'{field}' must be a string");
        Text(frame.Id).Should().Be("\"x\"");
    }

    [Fact]
    public void FirstErrorOfAFrameIsKept()
    {
        var frame = ParseOne("""{"type":"publish","channel":1,"priority":"urgent","limit":-1}""");

        frame.Error.Should().Be("'channel' must be a string");
    }

    [Fact]
    public void BatchParsesItsObjectsInOrder()
    {
        var frames = ParseAll("""[{"id":1,"type":"subscribe","channel":"a"},{"id":2,"type":"publish","channel":"b","data":{}},{"id":3,"type":"ping"}]""");

        frames.Select(f => f.Type).Should().Equal(ClientFrameType.Subscribe, ClientFrameType.Publish, ClientFrameType.Ping);
        frames.Select(f => Text(f.Id)).Should().Equal("1", "2", "3");
        frames.Select(f => f.Channel).Should().Equal("a", "b", null);
        frames.Should().OnlyContain(f => f.Error == null);
    }

    [Fact]
    public void BatchElementThatIsNotAnObjectYieldsAFrameWithAnError()
    {
        var frames = ParseAll("""[{"type":"ping","id":1},42,[{"type":"ping"}],"x",{"type":"pong"}]""");

        frames.Should().HaveCount(5);
        frames[0].Error.Should().BeNull();
        frames[0].Type.Should().Be(ClientFrameType.Ping);
        frames[1].Error.Should().Be("each frame of a batch must be a JSON object");
        frames[2].Error.Should().Be("each frame of a batch must be a JSON object");
        frames[3].Error.Should().Be("each frame of a batch must be a JSON object");
        frames[4].Error.Should().BeNull();
        frames[4].Type.Should().Be(ClientFrameType.Pong);
    }

    [Fact]
    public void BatchKeepsPerFrameErrorsApart()
    {
        var frames = ParseAll("""[{"id":1,"type":"teleport"},{"id":2,"type":"ping"}]""");

        frames[0].Error.Should().Contain("teleport");
        frames[1].Error.Should().BeNull();
        Text(frames[1].Id).Should().Be("2");
    }

    [Fact]
    public void EmptyBatchIsRefused()
    {
        var ok = ClientFrameParser.TryParse(Utf8("[]"), [], out var error);

        ok.Should().BeFalse();
        error.Should().Be("empty batch");
    }

    [Theory]
    [InlineData("""{"type":"ping""")]
    [InlineData("""{"type":}""")]
    [InlineData("""{type:"ping"}""")]
    [InlineData("""{"type":"ping",}""")]
    [InlineData("""{"type":'ping'}""")]
    [InlineData("""{"type":"ping"/* comment */}""")]
    [InlineData("""{"type":"publish","data":{"a":1}""")]
    [InlineData("""[{"type":"ping"},""")]
    [InlineData("""[{"type":"ping"}""")]
    [InlineData("""{"type":"ping"}x""")]
    [InlineData("""{"type":"ping"}{"type":"ping"}""")]
    [InlineData("""{"type":"ping"} 1""")]
    [InlineData("""[{"type":"ping"}]]""")]
    [InlineData("}")]
    [InlineData("nul")]
    public void MalformedJsonIsRefused(string json)
    {
        AssertRefused(Utf8(json));
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"ping\"")]
    [InlineData("true")]
    [InlineData("null")]
    public void TopLevelValueThatIsNeitherObjectNorArrayIsRefused(string json)
    {
        var error = AssertRefused(Utf8(json));

        error.Should().Contain("JSON object");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\r\n\t")]
    public void EmptyInputIsRefused(string input)
    {
        AssertRefused(Utf8(input));
    }

    [Fact]
    public void InvalidUtf8IsRefused()
    {
        byte[] input = [.. "{\"type\":\"publish\",\"channel\":\"news\",\"data\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        var error = AssertRefused(input);

        error.Should().Contain("UTF-8");
    }

    [Fact]
    public void LoneContinuationByteIsRefused()
    {
        byte[] input = [.. "{\"type\":\"ping\",\"x\":\""u8, 0x80, .. "\"}"u8];

        AssertRefused(input).Should().Contain("UTF-8");
    }

    [Fact]
    public void NestingFarDeeperThanMaxDepthIsRefused()
    {
        var input = new string('[', 10_000);

        var error = AssertRefused(Utf8(input));

        error.Should().Contain("nesting").And.Contain(ClientFrameParser.MaxDepth.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void DeeplyNestedDataInsideAFrameIsRefused()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);

        var error = AssertRefused(Utf8($$"""{"id":1,"type":"publish","channel":"news","data":{{deep}}}"""));

        error.Should().Contain("nesting");
    }

    [Fact]
    public void DataNestedUpToMaxDepthIsAccepted()
    {
        // The frame object is level 1, so data may open MaxDepth - 1 more levels.
        var levels = ClientFrameParser.MaxDepth - 1;
        var data = new string('[', levels) + new string(']', levels);

        var frame = ParseOne($$"""{"type":"publish","channel":"news","data":{{data}}}""");

        Text(frame.Data).Should().Be(data);
    }

    [Fact]
    public void DataOneLevelDeeperThanMaxDepthIsRefused()
    {
        var levels = ClientFrameParser.MaxDepth;
        var data = new string('[', levels) + new string(']', levels);

        AssertRefused(Utf8($$"""{"type":"publish","channel":"news","data":{{data}}}"""));
    }

    [Fact]
    public void EscapedTypePropertyNameStillWorks()
    {
        var frame = ParseOne("""{"\u0074ype":"ping","id":1}""");

        frame.Error.Should().BeNull();
        frame.Type.Should().Be(ClientFrameType.Ping);
    }

    [Fact]
    public void EscapedPropertyNamesOfEveryKindStillWork()
    {
        var frame = ParseOne("""{"\u0074ype":"publish","\u0069d":7,"ch\u0061nnel":"news","\u0064ata":{"a":[1]},"priorit\u0079":"low"}""");

        frame.Error.Should().BeNull();
        frame.Type.Should().Be(ClientFrameType.Publish);
        Text(frame.Id).Should().Be("7");
        frame.Channel.Should().Be("news");
        Text(frame.Data).Should().Be("""{"a":[1]}""");
        frame.Priority.Should().Be(MessagePriority.Low);
    }

    [Fact]
    public void EscapedPropertyNameWithANonStringValueDoesNotThrow()
    {
        var act = () => ClientFrameParser.TryParse(Utf8("""{"type":"ping","\u0069d":1}"""), [], out _);

        act.Should().NotThrow();
    }

    [Fact]
    public void EscapedUnknownPropertyDoesNotOverrideAKnownOne()
    {
        // "\u0078" is "x": an unknown property whose value happens to be the name of a known one.
        var frame = ParseOne("""{"type":"publish","channel":"news","data":1,"\u0078":"channel"}""");

        frame.Error.Should().BeNull();
        frame.Channel.Should().Be("news");
    }

    [Fact]
    public void EscapedNamesInsideSinceStillWork()
    {
        var frame = ParseOne("""{"type":"subscribe","channel":"news","since":{"\u006fffset":5,"\u0065poch":"e1"}}""");

        frame.Error.Should().BeNull();
        frame.SinceOffset.Should().Be(5);
        frame.SinceEpoch.Should().Be("e1");
    }

    [Fact]
    public void EscapedStringValuesAreUnescaped()
    {
        var frame = ParseOne("""{"type":"subscribe","channel":"n\u0065ws"}""");

        frame.Channel.Should().Be("news");
    }

    [Fact]
    public void HugeStringValuesParse()
    {
        var text = new string('x', 4 * 1024 * 1024);
        var data = $"\"{text}\"";

        var frame = ParseOne($$"""{"id":1,"type":"publish","channel":"news","data":{{data}},"priority":"low"}""");

        frame.Error.Should().BeNull();
        frame.Data.Length.Should().Be(data.Length);
        Text(frame.Data).Should().Be(data);
        frame.Priority.Should().Be(MessagePriority.Low);
    }

    [Fact]
    public void HugeStringInANameFieldParses()
    {
        var channel = new string('c', 1024 * 1024);

        var frame = ParseOne($$"""{"type":"subscribe","channel":"{{channel}}"}""");

        frame.Channel.Should().Be(channel);
    }

    [Fact]
    public void BatchAppendsToTheFramesAlreadyInTheList()
    {
        var frames = new List<ClientFrame> { new() };

        ClientFrameParser.TryParse(Utf8("""[{"type":"ping"}]"""), frames, out _).Should().BeTrue();

        frames.Should().HaveCount(2);
        frames[1].Type.Should().Be(ClientFrameType.Ping);
    }

    private static ClientFrame ParseOne(string json)
    {
        var frames = ParseAll(json);
        frames.Should().ContainSingle();
        return frames[0];
    }

    private static List<ClientFrame> ParseAll(string json)
    {
        var frames = new List<ClientFrame>();
        var ok = ClientFrameParser.TryParse(Utf8(json), frames, out var error);
        ok.Should().BeTrue($"the input should parse, but failed with '{error}'");
        error.Should().BeNull();
        return frames;
    }

    private static string AssertRefused(byte[] input)
    {
        var frames = new List<ClientFrame>();
        bool ok = true;
        string? error = null;

        var act = () => ok = ClientFrameParser.TryParse(input, frames, out error);

        act.Should().NotThrow();
        ok.Should().BeFalse();
        error.Should().NotBeNullOrWhiteSpace();
        return error!;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> utf8) => Encoding.UTF8.GetString(utf8.Span);
}
