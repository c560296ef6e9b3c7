using Cers.Email.Outbox;
using Cers.Idp.Sessions.Logout;
using Cers.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Data;

public static class DatabaseExtensions
{
    /// <summary>The provider's database: <c>ConnectionStrings:IdpDb</c>, or <c>cers-idp.db</c> in the data folder.</summary>
    public static readonly ServiceDatabase Names = new("IdpDb", "cers-idp.db");

    /// <summary>The provider's database on the configured engine (see <see cref="DatabaseSetup"/>), with OpenIddict's entities and the outboxes' commit signals (email, back-channel logout).</summary>
    public static IHostApplicationBuilder AddIdpDatabase(this IHostApplicationBuilder builder, out JobStore jobStore) =>
        builder.AddServiceDatabase<IdpDbContext, SqliteIdpDbContext, SqlServerIdpDbContext, PostgreSqlIdpDbContext>(Names, (services, db) => db
            .UseOpenIddict()
            .AddInterceptors(
                services.GetRequiredService<OutboxCommitInterceptor<IdpDbContext>>(),
                services.GetRequiredService<BackChannelLogoutCommitInterceptor>()), out jobStore);
}
