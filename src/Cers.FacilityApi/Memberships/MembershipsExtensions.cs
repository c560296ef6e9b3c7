namespace Cers.FacilityApi.Memberships;

public static class MembershipsExtensions
{
    public static IHostApplicationBuilder AddMemberships(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<MembershipChanges>();
        builder.Services.AddScoped<MembershipEmails>();
        builder.Services.AddScoped<Invitations.InvitationService>();
        builder.Services.AddScoped<Transfers.FacilityTransfers>();
        builder.Services.AddScoped<Transfers.TransferEmails>();
        return builder;
    }
}
