using System.Text.Json.Serialization;
using Cers.Email;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Agencies;
using Cers.FacilityApi.ApiDocumentation;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Email;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.History;
using Cers.FacilityApi.Invitations;
using Cers.FacilityApi.Jobs;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Regulator;
using Cers.FacilityApi.SampleData;
using Cers.FacilityApi.Security;
using Cers.FacilityApi.Telemetry;
using Cers.FacilityApi.Transfers;
using Cers.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cers.FacilityApi;

/// <summary>Registers and wires every feature of the facility API; Program.cs stays a few lines.</summary>
public static class FacilityApiHostingExtensions
{
    public static IHostApplicationBuilder AddFacilityApi(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddIdleMemoryTrim();
        builder.Services.AddSingleton<FacilityApiMetrics>();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        builder.AddTokenValidation();
        builder.AddJobsDashboard();
        builder.AddFacilityDatabase(out var jobStore);
        builder.AddJobs(jobStore, "cers-facility-api");
        builder.AddEmailOutbox<FacilityDbContext>(FacilityApiMetrics.MeterName);
        builder.AddFacilities();
        builder.AddAccessRequests();
        builder.AddMemberships();
        builder.AddRegulatorConsole();
        builder.AddBusinessHistory();
        builder.AddSampleData();
        builder.AddApiDocumentation();
        return builder;
    }

    /// <summary>Prepares the database and the sample data (awaited, before the first request), then builds the pipeline.</summary>
    public static async Task<WebApplication> UseFacilityApiAsync(this WebApplication app)
    {
        await InitializeAsync(app);

        app.UseKnownForwardedHeaders();
        app.UseApiSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSupportedRequestBodies();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapApiDocumentation();
        app.MapJobsDashboard();
        app.MapCallerEndpoints();
        app.MapAgencyEndpoints();
        app.MapFacilitySearchEndpoints();
        app.MapFacilityCreationEndpoints();
        app.MapAccessRequestEndpoints();
        app.MapMembershipEndpoints();
        app.MapInvitationEndpoints();
        app.MapTransferEndpoints();
        app.MapFacilityChangeEndpoints();
        app.MapBusinessDetailsEndpoints();
        app.MapBusinessUsersExport();
        app.MapRegulatorConsoleEndpoints();
        app.MapBusinessHistoryEndpoints();
        app.MapEmailHistoryEndpoints();
        app.MapDefaultEndpoints();
        return app;
    }

    /// <summary>Schema first, then Development's sample agencies and facilities.</summary>
    private static async Task InitializeAsync(WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        await app.Services.PrepareDatabaseAtStartAsync<Cers.FacilityApi.Data.FacilityDbContext>(prepare: null, stopping);
        await app.Services.SeedDevelopmentSampleDataAsync(app.Environment, stopping);
    }
}
