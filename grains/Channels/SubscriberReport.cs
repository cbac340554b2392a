namespace OrleansRealtime.Channels;

/// <summary>A gateway's last subscriber count for a channel and when it reported it (the lease starts then).</summary>
internal readonly record struct SubscriberReport(int Count, DateTimeOffset ReportedAt);
