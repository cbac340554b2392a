namespace OrleansRealtime.Streams;

/// <summary>What <see cref="IDurableStreamGrain.CreateAsync"/> did.</summary>
[GenerateSerializer]
public enum StreamCreationOutcome
{
    /// <summary>The stream did not exist and now does.</summary>
    Created,

    /// <summary>The stream already existed with the same settings: nothing changed.</summary>
    Existed,

    /// <summary>The stream already exists with other settings: nothing changed.</summary>
    Conflict,
}

/// <summary>The answer to a create: what happened and the stream as it now is.</summary>
[GenerateSerializer, Immutable, Alias("rt.StreamCreation")]
public sealed record StreamCreation(
    [property: Id(0)] StreamCreationOutcome Outcome,
    [property: Id(1)] StreamDescription Stream);
