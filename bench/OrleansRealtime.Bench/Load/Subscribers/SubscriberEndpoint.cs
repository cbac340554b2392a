namespace OrleansRealtime.Bench.Load.Subscribers;

/// <summary>Where the subscribers of one run connect, and the one HTTP stack (with its wire counter) they all share.</summary>
internal sealed class SubscriberEndpoint(Uri baseUri, HttpMessageHandler handler)
{
    public Uri BaseUri { get; } = baseUri;

    /// <summary>For <c>ClientWebSocket.ConnectAsync</c>: its connections are counted too.</summary>
    public HttpMessageInvoker Invoker { get; } = new(handler, disposeHandler: false);

    /// <summary>For the HTTP transports; per-request time-outs come from cancellation tokens.</summary>
    public HttpClient Http { get; } = new(handler, disposeHandler: false) { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };

    public Uri WebSocketUri(string path, string query = "") =>
        new($"ws://{BaseUri.Authority}{path}{(query.Length > 0 ? "?" + query : string.Empty)}");
}
