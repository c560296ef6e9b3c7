using System.Net;
using System.Text.RegularExpressions;
using Cers.Data;
using Cers.Idp.Accounts;
using Cers.Idp.Admin;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Oidc;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cers.Idp.Tests.Admin;

/// <summary>What one run of the command printed and returned.</summary>
public sealed record CommandRun(int? ExitCode, string Output, string Error)
{
    public Uri Link
    {
        get
        {
            var link = Regex.Match(Output, @"https?://\S+/Account/ResetPassword\?\S+").Value;
            link.ShouldNotBeNullOrEmpty(Output);
            return new Uri(link);
        }
    }
}

/// <summary>
/// <c>create-admin</c> as Program.cs runs it: a host built from the command line (environment and
/// settings included) with the provider's features, then the command on that host. Runs share the
/// running provider's data folder (database and certificates) unless a test gives its own.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed partial class CreateAdminCommandTests(IdpFactory idp)
{
    private const string NewPassword = "granite lighthouse pelican";

    [Fact]
    public async Task The_printed_link_sets_the_first_password_and_the_new_admin_can_manage_announcements()
    {
        var name = NewUserName();

        var run = await RunAsync(idp.DataDirectory, Command(name, $"{name}@example.gov"), ("Oidc:Issuer", idp.BaseAddress.ToString()));

        run.ExitCode.ShouldBe(0, run.Error);
        run.Link.GetLeftPart(UriPartial.Authority).ShouldBe(idp.BaseAddress.GetLeftPart(UriPartial.Authority));
        run.Output.ShouldNotContain("password:", Case.Insensitive);
        var user = (await FindAsync(name)).ShouldNotBeNull();
        user.Status.ShouldBe(AccountStatus.Active);
        user.PasswordHash.ShouldBeNull();
        user.FirstName.ShouldBe("Pat");
        (await IsAdminAsync(user)).ShouldBeTrue();
        (await AuditAsync(user.Id, AuditKinds.AdminCreated)).ShouldBe(["created by the create-admin command"]);

        using var browser = idp.CreateBrowser();
        var resetPage = await browser.GetAsync(run.Link);
        resetPage.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.TitleOfAsync(resetPage)).ShouldBe("Choose a new password");
        var form = await BrowserSignIn.ReadFormAsync(resetPage, run.Link);
        form.Fields["Password"] = NewPassword;
        form.Fields["ConfirmPassword"] = NewPassword;
        var reset = await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
        (await AccountForms.TitleOfAsync(reset)).ShouldBe("Your password was changed");

        var login = new Uri(idp.BaseAddress, "/Account/Login?ReturnUrl=%2FAdmin%2FAnnouncements");
        var phrase = await BrowserSignIn.ReadProtectionPhraseAsync(await BrowserSignIn.PostUserNameAsync(browser, login, name));
        run.Output.ShouldContain($"\"{phrase}\"");
        var signedIn = await BrowserSignIn.PostLoginAsync(browser, login, name, NewPassword);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signedIn.Headers.Location!.ToString().ShouldBe("/Admin/Announcements");

        // A new admin has no second factor yet: the admin pages send them to enrol one first (Mfa:RequiredRoles).
        var denied = await browser.GetAsync("/Admin/Announcements");
        denied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await BrowserSignIn.EnrolAuthenticatorAsync(browser, new Uri(idp.BaseAddress, "/Account/Manage/Authenticator"), name);
        var admin = await browser.GetAsync("/Admin/Announcements");
        admin.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.TitleOfAsync(admin)).ShouldBe("Announcements");

        // The link works once.
        (await AccountForms.TitleOfAsync(await browser.GetAsync(run.Link))).ShouldBe("This reset link does not work");
    }

    [Fact]
    public async Task On_a_new_data_folder_the_command_creates_the_database_and_builds_the_link_on_the_configured_issuer()
    {
        using var data = new TempDirectory();
        var name = NewUserName();

        var run = await RunAsync(data.Path, Command(name, $"{name}@example.gov", "--protection-phrase", "amber heron over Tahoe"),
            ("Oidc:Issuer", "https://cers.example.gov/"));

        run.ExitCode.ShouldBe(0, run.Error);
        run.Link.ToString().ShouldStartWith("https://cers.example.gov/Account/ResetPassword?id=");
        run.Output.ShouldContain("\"amber heron over Tahoe\"");
        File.Exists(Path.Combine(data.Path, "cers-idp.db")).ShouldBe(TestDatabase.Engine == DatabaseProvider.Sqlite);
        await using var app = BuildHost(data.Path);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        var user = (await users.FindByNameAsync(name)).ShouldNotBeNull();
        user.ProtectionPhrase.ShouldBe("amber heron over Tahoe");
    }

    [Fact]
    public async Task In_development_without_an_issuer_the_link_uses_the_default_development_address()
    {
        using var data = new TempDirectory();
        var name = NewUserName();

        var run = await RunAsync(data.Path, Command(name, $"{name}@example.gov"), ("urls", ""));

        run.ExitCode.ShouldBe(0, run.Error);
        run.Link.ToString().ShouldStartWith("http://localhost:5001/Account/ResetPassword?id=");
    }

    [Fact]
    public async Task An_existing_active_account_with_the_same_email_is_made_an_admin_and_keeps_its_password()
    {
        var user = await idp.CreateUserAsync("an existing user password");

        var run = await RunAsync(idp.DataDirectory, Command(user.UserName!, user.Email!.ToUpperInvariant()));

        run.ExitCode.ShouldBe(0, run.Error);
        run.Output.ShouldContain("is now a CERS admin");
        run.Output.ShouldNotContain("/Account/ResetPassword");
        (await IsAdminAsync(user)).ShouldBeTrue();
        (await AuditAsync(user.Id, AuditKinds.AdminCreated)).ShouldBe(["promoted by the create-admin command"]);
        using var browser = idp.CreateBrowser();
        await BrowserSignIn.SignInWithSecondFactorAsync(browser, user.UserName!, "an existing user password");
        (await browser.GetAsync("/Admin/Announcements")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var again = await RunAsync(idp.DataDirectory, Command(user.UserName!, user.Email!));
        again.ExitCode.ShouldBe(0, again.Error);
        again.Output.ShouldContain("is a CERS admin already");
        (await AuditAsync(user.Id, AuditKinds.AdminCreated)).Length.ShouldBe(1);
    }

    [Fact]
    public async Task Running_again_for_an_admin_who_never_set_a_password_prints_a_new_link()
    {
        var name = NewUserName();
        var first = await RunAsync(idp.DataDirectory, Command(name, $"{name}@example.gov"), ("Oidc:Issuer", idp.BaseAddress.ToString()));
        first.ExitCode.ShouldBe(0, first.Error);

        var second = await RunAsync(idp.DataDirectory, Command(name, $"{name}@example.gov"), ("Oidc:Issuer", idp.BaseAddress.ToString()));

        second.ExitCode.ShouldBe(0, second.Error);
        second.Output.ShouldContain("is a CERS admin already");
        using var browser = idp.CreateBrowser();
        (await AccountForms.TitleOfAsync(await browser.GetAsync(second.Link))).ShouldBe("Choose a new password");
    }

    [Fact]
    public async Task An_existing_account_with_another_email_is_not_touched()
    {
        var user = await idp.CreateUserAsync();

        var run = await RunAsync(idp.DataDirectory, Command(user.UserName!, "someone.else@example.gov"));

        run.ExitCode.ShouldBe(AdminCommandLine.Refused);
        run.Error.ShouldContain("exists with a different email address");
        run.Output.ShouldNotContain("/Account/ResetPassword");
        (await IsAdminAsync(user)).ShouldBeFalse();
        (await AuditAsync(user.Id, AuditKinds.AdminCreated)).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_account_waiting_for_activation_is_not_made_an_admin()
    {
        var user = await idp.CreateUserAsync();
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, AccountStatus.PendingActivation));
        }

        var run = await RunAsync(idp.DataDirectory, Command(user.UserName!, user.Email!));

        run.ExitCode.ShouldBe(AdminCommandLine.Refused);
        run.Error.ShouldContain("waiting for activation");
        (await IsAdminAsync(user)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_new_username_with_an_email_another_account_uses_is_refused()
    {
        var other = await idp.CreateUserAsync();
        var name = NewUserName();

        var run = await RunAsync(idp.DataDirectory, Command(name, other.Email!));

        run.ExitCode.ShouldBe(AdminCommandLine.Refused);
        run.Error.ShouldContain("already used by another CERS account");
        (await FindAsync(name)).ShouldBeNull();
    }

    public static TheoryData<string[], string> BadArguments => new()
    {
        { ["--username", "abc", "--email", "a@example.gov", "--first-name", "Pat", "--last-name", "Admin"], "--username must be 5 to 16 letters and digits" },
        { ["--username", "{name}!", "--email", "a@example.gov", "--first-name", "Pat", "--last-name", "Admin"], "--username must be 5 to 16 letters and digits" },
        { ["--username", "{name}", "--email", "not-an-email", "--first-name", "Pat", "--last-name", "Admin"], "--email must be an email address" },
        { ["--username", "{name}", "--email", "a@example.gov", "--first-name", "Pat"], "--last-name is required." },
        { ["--username", "{name}", "--email", "a@example.gov", "--first-name", "<b>Pat</b>", "--last-name", "Admin"], "--first-name cannot contain angle brackets" },
        { ["--username", "{name}", "--email", "a@example.gov", "--first-name", "Pat", "--last-name", "Admin", "--password", "hunter2hunter2"], "Unknown option --password." },
        { ["--username", "{name}", "--email", "a@example.gov", "--first-name", "Pat", "--last-name"], "--last-name needs a value." },
        { ["--username", "{name}", "--username", "{name}", "--email", "a@example.gov", "--first-name", "Pat", "--last-name", "Admin"], "--username is given more than once." },
        { ["{name}", "--email", "a@example.gov", "--first-name", "Pat", "--last-name", "Admin"], "Unexpected argument" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Bad_arguments_exit_with_a_usage_error_and_create_nothing(string[] arguments, string message)
    {
        var name = NewUserName();
        string[] args = ["create-admin", .. arguments.Select(a => a.Replace("{name}", name, StringComparison.Ordinal))];

        var run = await RunAsync(idp.DataDirectory, args);

        run.ExitCode.ShouldBe(AdminCommandLine.UsageError);
        run.Error.ShouldContain(message);
        run.Error.ShouldContain("Usage: dotnet run --project src/Cers.Idp -- create-admin");
        run.Output.ShouldBeEmpty();
        (await FindAsync(name)).ShouldBeNull();
    }

    [Fact]
    public async Task Without_a_command_the_server_starts_as_usual()
    {
        (await RunAsync(idp.DataDirectory, [])).ExitCode.ShouldBeNull();
    }

    private static string NewUserName() => "adm" + Guid.NewGuid().ToString("N")[..12];

    private static string[] Command(string userName, string email, params string[] extra) =>
        ["create-admin", "--username", userName, "--email", email, "--first-name", "Pat", "--last-name", "Admin", .. extra];

    /// <summary>
    /// Builds the provider's host the way Program.cs does, from a command line carrying the command and
    /// the settings (<c>--Database:DataDirectory</c> and so on), and runs the command on it.
    /// </summary>
    private static async Task<CommandRun> RunAsync(string dataDirectory, string[] command, params (string Key, string Value)[] settings)
    {
        var args = CommandLine(dataDirectory, command, settings);
        await using var app = BuildHost(args);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await app.Services.RunCommandAsync(args, output, error, CancellationToken.None);
        return new CommandRun(exitCode, output.ToString(), error.ToString());
    }

    private static WebApplication BuildHost(string dataDirectory) => BuildHost(CommandLine(dataDirectory, [], []));

    private static WebApplication BuildHost(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddIdp();

        // Resolving the database wires Hangfire, whose log provider is process-wide: it would keep this
        // short-lived host's logger factory after the host is disposed, and the next provider a test
        // starts would log through a disposed factory. A factory passed as an instance is never disposed.
        builder.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        return builder.Build();
    }

    /// <summary>The command name first, as Program.cs expects; then the host's settings; then the command's options.</summary>
    private static string[] CommandLine(string dataDirectory, string[] command, (string Key, string Value)[] settings) =>
    [
        .. command.Take(1),
        "--environment", "Development",
        "--contentRoot", AppContext.BaseDirectory,
        "--applicationName", "Cers.Idp",
        "--Database:DataDirectory", dataDirectory,
        "--Keys:Directory", dataDirectory,
        "--Logging:LogLevel:Default", "Warning",
        .. TestDatabase.SettingsFor(dataDirectory, DatabaseExtensions.Names.ConnectionStringName).Select(s => $"--{s.Key}={s.Value}"),
        .. settings.Select(s => $"--{s.Key}={s.Value}"),
        .. command.Skip(1),
    ];

    private async Task<CersUser?> FindAsync(string userName)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>().FindByNameAsync(userName);
    }

    private async Task<bool> IsAdminAsync(CersUser user)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        var claims = await users.GetClaimsAsync((await users.FindByIdAsync(user.Id))!);
        return claims.Any(c => c.Type == OpenIddict.Abstractions.OpenIddictConstants.Claims.Role && c.Value == CersRoles.CersAdmin);
    }

    private async Task<string[]> AuditAsync(string subjectId, string kind)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IdpDbContext>().AuditEvents
            .Where(e => e.SubjectId == subjectId && e.Kind == kind)
            .Select(e => e.Detail!)
            .ToArrayAsync();
    }
}
