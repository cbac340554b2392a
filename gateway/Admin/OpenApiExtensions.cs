using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>
/// The OpenAPI document of the REST API at <c>GET /openapi/v1.json</c>. It describes the <c>/api</c> routes only: the
/// transports (<c>/ws</c> and the others), health probes and <c>/metrics</c> are not REST resources.
/// </summary>
internal static class OpenApiExtensions
{
    public const string DocumentName = "v1";

    /// <summary>Where the document is served (Microsoft.AspNetCore.OpenApi's default pattern).</summary>
    public const string DocumentPath = "/openapi/v1.json";

    private const string ProblemContentType = "application/problem+json";
    private const string ProblemSchemaId = nameof(ProblemDetails);

    public static IServiceCollection AddRealtimeOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "OrleansRealtime REST API";
                document.Info.Description =
                    "Publish to channels, read history and inspect the gateway. Errors are RFC 7807 problem details whose " +
                    "`code` is one of the protocol's error codes (see docs/protocol.md).";
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type == typeof(ProblemDetails))
                    AddCodeProperty(schema);
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, _, _) =>
            {
                // Web JSON options read numbers from strings too; the answers always carry plain numbers.
                if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
                {
                    schema.Type = type & ~JsonSchemaType.String;
                    schema.Pattern = null;
                }

                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                // Any route can fail unexpectedly; the exception handler answers that as a problem too.
                operation.Responses ??= [];
                if (operation.Responses.ContainsKey("500") || context.Document is not { } document)
                    return;

                document.Components ??= new OpenApiComponents();
                document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
                if (!document.Components.Schemas.ContainsKey(ProblemSchemaId))
                    document.Components.Schemas[ProblemSchemaId] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: cancellationToken);

                operation.Responses["500"] = new OpenApiResponse
                {
                    Description = "internal: an unexpected error",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        [ProblemContentType] = new() { Schema = new OpenApiSchemaReference(ProblemSchemaId, document) },
                    },
                };
            });
        });

    public static WebApplication MapRealtimeOpenApi(this WebApplication app)
    {
        app.MapOpenApi();
        return app;
    }

    /// <summary>The protocol's error code every problem of this API carries besides the RFC 7807 members.</summary>
    private static void AddCodeProperty(OpenApiSchema schema)
    {
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["code"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "The protocol's error code (the same values as error frames).",
            Enum = [.. Enum.GetValues<ErrorCode>().Select(code => (System.Text.Json.Nodes.JsonNode)code.ToWire())],
        };
    }
}
