using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Cers.FacilityApi.ApiDocumentation;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) and a browsable reference of it (<c>/scalar</c>), both without a token.</summary>
public static class ApiDocumentationExtensions
{
    public const string DocumentPath = "/openapi/{documentName}.json";
    public const string BrowserPath = "/scalar";

    public static IHostApplicationBuilder AddApiDocumentation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiDocumentationOptions>()
            .BindConfiguration(ApiDocumentationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer<BearerTokenDocumentTransformer>());
        return builder;
    }

    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ApiDocumentationOptions>>().Value;
        if (!app.Environment.IsDevelopment() && !options.Enabled)
        {
            return app;
        }

        app.MapOpenApi(DocumentPath);
        // The page talks to this API only: Scalar's telemetry, AI agent and MCP features would send
        // what a reader looks at to Scalar's own services.
        app.MapScalarApiReference(BrowserPath, scalar => scalar
            .WithTitle("CERS Facility API")
            .WithOpenApiRoutePattern(DocumentPath)
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools());
        return app;
    }

    /// <summary>
    /// Names the bearer scheme every <c>/api</c> endpoint needs: an RFC 9068 access token from the
    /// CERS identity provider with audience <c>cers-facility-api</c>.
    /// </summary>
    private sealed class BearerTokenDocumentTransformer : IOpenApiDocumentTransformer
    {
        private const string SchemeName = "Bearer";

        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            document.Info.Title = "CERS Facility API";
            document.Info.Description = "Facility lookup for the California Environmental Reporting System. Every /api endpoint needs an " +
                "access token from the CERS identity provider (audience cers-facility-api) with the scope it names.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An at+jwt access token from the CERS identity provider, e.g. from client_credentials with scope facility.read.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] });
            return Task.CompletedTask;
        }
    }
}
