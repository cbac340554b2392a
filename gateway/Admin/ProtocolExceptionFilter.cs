using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>Turns a <see cref="ProtocolException"/> thrown by a REST handler into its problem answer.</summary>
internal sealed class ProtocolExceptionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ProtocolException ex)
        {
            return Problems.For(ex);
        }
    }
}
