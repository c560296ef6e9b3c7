namespace Cers.Idp.Announcements;

public static class AnnouncementsExtensions
{
    /// <summary>CERS Central's notices: the current ones for the home page, the editor for CERS admins, Development's samples.</summary>
    public static IHostApplicationBuilder AddAnnouncements(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<CurrentAnnouncements>();
        builder.Services.AddScoped<AnnouncementEditor>();
        builder.Services.AddTransient<DevelopmentAnnouncementSeeder>();
        return builder;
    }
}
