using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>Turns a <see cref="ProtocolException"/> thrown by a REST handler into its problem answer, counted by code.</summary>
internal sealed class ProtocolExceptionFilter(RealtimeMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ProtocolException ex)
        {
            metrics.Error(ex.Code);
            return Problems.For(ex);
        }
    }
}
