using System.Text.Json;

namespace OrleansRealtime.Gateway.Protocol;

internal static partial class ClientFrameParser
{
    /// <summary>The most users one <c>presence.get</c> may name.</summary>
    public const int MaxPresenceUsers = 100;

    /// <summary>
    /// The properties of rooms, direct messages and presence: <c>event</c>, <c>to</c>, <c>status</c>, <c>state</c>
    /// (an object), <c>users</c> (an array of strings) and <c>watch</c> (a boolean). False for any other name.
    /// </summary>
    private static bool ReadRoomsAndPresenceProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ClientFrame frame, ReadOnlyMemory<byte> source)
    {
        if (name.SequenceEqual("event"u8))
        {
            frame.Event = ExpectString(ref reader, frame, "event");
        }
        else if (name.SequenceEqual("to"u8))
        {
            frame.To = ExpectString(ref reader, frame, "to");
        }
        else if (name.SequenceEqual("status"u8))
        {
            frame.Status = ExpectString(ref reader, frame, "status");
        }
        else if (name.SequenceEqual("state"u8))
        {
            if (reader.TokenType == JsonTokenType.StartObject)
                frame.State = Slice(ref reader, source);
            else if (reader.TokenType != JsonTokenType.Null)
                Fail(ref reader, frame, "'state' must be an object");
        }
        else if (name.SequenceEqual("users"u8))
        {
            ReadUsers(ref reader, frame);
        }
        else if (name.SequenceEqual("watch"u8))
        {
            if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                frame.Watch = reader.TokenType == JsonTokenType.True;
            else
                Fail(ref reader, frame, "'watch' must be a boolean");
        }
        else
        {
            return false;
        }

        return true;
    }

    private static void ReadUsers(ref Utf8JsonReader reader, ClientFrame frame)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            Fail(ref reader, frame, "'users' must be an array of user ids");
            return;
        }

        var users = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
                users.Add(reader.GetString()!);
            else
                Fail(ref reader, frame, "'users' must be an array of user ids");
        }

        if (users.Count > MaxPresenceUsers)
            frame.Error ??= $"'users' names at most {MaxPresenceUsers} users";
        frame.Users = users;
    }
}
