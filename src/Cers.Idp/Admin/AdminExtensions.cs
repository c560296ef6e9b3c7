namespace Cers.Idp.Admin;

public static class AdminExtensions
{
    /// <summary>The <c>create-admin</c> command (see <see cref="AdminCommandLine"/>).</summary>
    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AdminEnrollment>();
        return builder;
    }
}
