using System.Text.Json;
using OrleansRealtime.Testing;

namespace OrleansRealtime.EndToEnd.Tests.Infrastructure;

internal static class RealtimeTestClientExtensions
{
    /// <summary>
    /// The channel's <c>message</c> frames in arrival order, up to and including the first whose offset reaches
    /// <paramref name="offset"/>; fails with what was received so far when they do not arrive in time.
    /// </summary>
    public static async Task<List<JsonElement>> MessagesThroughAsync(this RealtimeTestClient client, string channel, long offset, TimeSpan timeout)
    {
        var messages = new List<JsonElement>();
        var deadline = DateTime.UtcNow + timeout;
        while (messages.Count == 0 || messages[^1].Offset() < offset)
        {
            var left = deadline - DateTime.UtcNow;
            try
            {
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException("no time left");
                messages.AddRange(await client.MessagesAsync(channel, 1, left));
            }
            catch (TimeoutException ex)
            {
                var last = messages.Count == 0 ? "none" : messages[^1].Offset().ToString(System.Globalization.CultureInfo.InvariantCulture);
                throw new TimeoutException(
                    $"waited {timeout.TotalSeconds:F0} s for offset {offset} on '{channel}': received {messages.Count} messages, the last with offset {last}", ex);
            }
        }

        return messages;
    }

    public static long Offset(this JsonElement frame) => frame.GetProperty("offset").GetInt64();

    public static string? Epoch(this JsonElement frame) => frame.GetProperty("epoch").GetString();
}
