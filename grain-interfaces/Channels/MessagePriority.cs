namespace OrleansRealtime.Channels;

/// <summary>Delivery priority of a publication. <see cref="Low"/> frames are the first a slow consumer's queue drops.</summary>
[GenerateSerializer]
public enum MessagePriority : byte
{
    Normal = 0,
    Low = 1,
    High = 2,
}
