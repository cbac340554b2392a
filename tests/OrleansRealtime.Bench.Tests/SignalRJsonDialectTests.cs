using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using OrleansRealtime.Bench.Load;
using OrleansRealtime.Bench.Load.Dialects;

namespace OrleansRealtime.Bench.Tests;

/// <summary>
/// The generator's minimal SignalR client against ASP.NET Core's own <see cref="JsonHubProtocol"/> and
/// <see cref="HandshakeProtocol"/>: what it writes, the official server parses as intended; what the official server
/// writes, it reads.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SignalRJsonDialectTests
{
    private static readonly SignalRJsonDialect Dialect = SignalRJsonDialect.Instance;
    private static readonly JsonHubProtocol Protocol = new();

    [Fact]
    public void TheHandshakeIsARequestForJsonVersion1()
    {
        var bytes = new ReadOnlySequence<byte>(Dialect.Opening);

        HandshakeProtocol.TryParseRequestMessage(ref bytes, out var request).Should().BeTrue();
        request!.Protocol.Should().Be("json");
        request.Version.Should().Be(1);
    }

    [Fact]
    public void TheServersHandshakeResponseIsTheWelcome()
    {
        var writer = new ArrayBufferWriter<byte>();
        HandshakeProtocol.WriteResponseMessage(HandshakeResponseMessage.Empty, writer);

        Dialect.IsWelcome(writer.WrittenSpan).Should().BeTrue();
        Dialect.IsWelcome("{\"error\":\"nope\"}\u001e"u8).Should().BeFalse();
    }

    [Fact]
    public void APublishIsAnInvocationOfPublishWithTheChannelAndA100BytePayload()
    {
        var frame = new byte[BenchPayload.MaxFrameBytes];
        var length = Dialect.WritePublish(frame, "c7"u8, sequence: 3, request: 41, timestamp: 123456789);

        var message = Parse(frame.AsSpan(0, length).ToArray(), typeof(string), typeof(JsonElement));

        var invocation = message.Should().BeOfType<InvocationMessage>().Subject;
        invocation.Target.Should().Be("Publish");
        invocation.InvocationId.Should().Be("41");
        invocation.Arguments[0].Should().Be("c7");
        var payload = (JsonElement)invocation.Arguments[1]!;
        payload.GetProperty("id").GetInt64().Should().Be(3);
        payload.GetProperty("t").GetInt64().Should().Be(123456789);
        Encoding.UTF8.GetByteCount(payload.GetRawText()).Should().Be(BenchPayload.DataBytes);
    }

    [Fact]
    public void ASubscribeIsAnInvocationOfSubscribeWithTheChannel()
    {
        var message = Parse(Dialect.Subscribe("c9", resume: null), typeof(string));

        var invocation = message.Should().BeOfType<InvocationMessage>().Subject;
        invocation.Target.Should().Be("Subscribe");
        invocation.InvocationId.Should().NotBeNullOrEmpty();
        invocation.Arguments.Should().Equal("c9");
    }

    [Fact]
    public void DeliveriesTheServerBatchesIntoOneMessageAreAllRead()
    {
        var writer = new ArrayBufferWriter<byte>();
        Protocol.WriteMessage(new InvocationMessage("m", [Payload(5, 1000)]), writer);
        Protocol.WriteMessage(PingMessage.Instance, writer);
        Protocol.WriteMessage(new InvocationMessage("m", [Payload(6, 2000)]), writer);

        var read = new List<(long Sequence, long Timestamp)>();
        var position = 0;
        while (BenchPayload.TryReadNext(writer.WrittenSpan, Dialect.SequenceKey, ref position, out var sequence, out var timestamp))
            read.Add((sequence, timestamp));

        read.Should().Equal((5, 1000), (6, 2000));
    }

    [Fact]
    public void CompletionsAreCountedAsAnswersAndFailedOnesAsErrors()
    {
        var writer = new ArrayBufferWriter<byte>();
        Protocol.WriteMessage(CompletionMessage.Empty("1"), writer);
        Protocol.WriteMessage(CompletionMessage.WithError("2", "boom"), writer);
        Protocol.WriteMessage(CompletionMessage.Empty("3"), writer);

        Dialect.CountPublishAnswers(writer.WrittenSpan, out var errors).Should().Be(3);
        errors.Should().Be(1);
    }

    [Fact]
    public void ASubscribeCompletionAcceptsAndAnErrorRefuses()
    {
        Dialect.ReadSubscribeAnswer(Write(CompletionMessage.Empty("0")), out _, out _).Should().Be(SubscribeAnswer.Accepted);
        Dialect.ReadSubscribeAnswer(Write(CompletionMessage.WithError("0", "no")), out _, out _).Should().Be(SubscribeAnswer.Refused);
        Dialect.ReadSubscribeAnswer(Write(PingMessage.Instance), out _, out _).Should().Be(SubscribeAnswer.None);
    }

    [Fact]
    public void TheKeepAliveIsAPing()
    {
        Parse(Dialect.KeepAlive).Should().BeOfType<PingMessage>();
    }

    private static JsonElement Payload(long id, long timestamp) =>
        JsonDocument.Parse($"{{\"id\":{id},\"t\":{timestamp},\"p\":\"xx\"}}").RootElement.Clone();

    private static byte[] Write(HubMessage message)
    {
        var writer = new ArrayBufferWriter<byte>();
        Protocol.WriteMessage(message, writer);
        return writer.WrittenSpan.ToArray();
    }

    private static HubMessage Parse(byte[] bytes, params Type[] parameters)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        Protocol.TryParseMessage(ref sequence, new Binder(parameters), out var message).Should().BeTrue();
        sequence.Length.Should().Be(0, "one record, ending with the record separator");
        return message!;
    }

    /// <summary>What the hub's methods take, as the server's binder would say.</summary>
    private sealed class Binder(Type[] parameters) : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => parameters;

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
