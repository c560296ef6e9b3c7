using Cers.Idp.Accounts;

namespace Cers.Idp.MyAccount;

public static class MyAccountExtensions
{
    /// <summary>The folder every My Account page lives in; only a signed-in person reaches it.</summary>
    public const string PagesFolder = "/Account/Manage";

    public static IHostApplicationBuilder AddMyAccount(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MyAccountOptions>()
            .BindConfiguration(MyAccountOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddRazorPages(pages => pages.Conventions.AuthorizeFolder(PagesFolder));
        builder.Services.AddSingleton<MyAccountEmails>();
        builder.Services.AddScoped<ProfileChanges>();
        builder.Services.AddScoped<PasswordChange>();
        builder.Services.AddScoped<EmailChange>();
        builder.Services.AddScoped<EmailHistory>();
        builder.Services.AddScoped<SecurityActivity>();
        builder.Services.AddScoped<SessionRenewal>();
        return builder;
    }
}
