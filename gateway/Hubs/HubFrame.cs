using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Hubs;

/// <summary>
/// A server frame handed to SignalR: written into the hub message as the frame's own JSON, byte for byte, so a
/// broadcast encoded once per gateway is not serialized again per connection.
/// </summary>
[JsonConverter(typeof(HubFrameConverter))]
internal sealed class HubFrame(EncodedFrame frame)
{
    public EncodedFrame Frame { get; } = frame;
}

internal sealed class HubFrameConverter : JsonConverter<HubFrame>
{
    public override HubFrame Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("hub frames are only sent by the server");

    public override void Write(Utf8JsonWriter writer, HubFrame value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Frame.Utf8.Span, skipInputValidation: true);
}
