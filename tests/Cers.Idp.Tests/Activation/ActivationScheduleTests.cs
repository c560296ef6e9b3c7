using Cers.Idp.Accounts;
using Cers.Idp.Activation;
using Cers.Idp.Audit;
using Cers.Idp.Telemetry;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cers.Idp.Tests.Activation;

/// <summary>Days pass on the provider's clock (a FakeTimeProvider) while the reminder and expiry jobs run as Hangfire runs them.</summary>
public sealed class ActivationScheduleTests
{
    [Fact]
    public async Task Reminders_go_out_on_day_7_and_day_27_once_each_and_day_30_expires_the_account_and_frees_its_username()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true);
        var meters = idp.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var registrations = new MetricCollector<long>(meters, IdpMetrics.MeterName, "cers.idp.registrations");
        using var remindersSent = new MetricCollector<long>(meters, IdpMetrics.MeterName, "cers.idp.activation.reminders");
        using var expiries = new MetricCollector<long>(meters, IdpMetrics.MeterName, "cers.idp.activation.expiries");
        using var browser = idp.CreateBrowser();
        var pending = Applicant.New();
        var activated = Applicant.New();
        await AccountForms.RegisterAcceptedAsync(browser, pending);
        await AccountForms.RegisterAcceptedAsync(browser, activated);
        var link = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(activated.Email, "Activate"), "/Account/Activate");
        (await AccountForms.TitleOfAsync(await AccountForms.ActivateAsync(browser, link, activated.Password))).ShouldBe("Your account is active");

        await idp.AdvanceAsync(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        (await RemindAsync(idp)).ShouldBe(0);
        await idp.AdvanceAsync(TimeSpan.FromMinutes(1));
        (await RemindAsync(idp)).ShouldBe(1);
        (await RemindAsync(idp)).ShouldBe(0);
        var first = await idp.Smtp.WaitForAsync(pending.Email, "Reminder: activate your CERS account");
        first.TextBody.ShouldNotBeNull().ShouldContain(pending.UserName);

        await idp.AdvanceAsync(TimeSpan.FromDays(20) - TimeSpan.FromMinutes(1));
        (await RemindAsync(idp)).ShouldBe(0);
        await idp.AdvanceAsync(TimeSpan.FromMinutes(1));
        (await RemindAsync(idp)).ShouldBe(1);
        (await RemindAsync(idp)).ShouldBe(0);
        await idp.Smtp.WaitForCountAsync(pending.Email, "Reminder", 2);

        // Reminders point back to the original email (whose link stays good for the whole window) and to
        // the resend page; they do not replace the link.
        var reminders = idp.Smtp.Find(pending.Email, "Reminder");
        AccountForms.LinkIn(reminders[^1], "/Account/CheckEmail").ShouldNotBeNull();
        var original = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(pending.Email, "Activate your CERS account"), "/Account/Activate");
        (await AccountForms.TitleOfAsync(await browser.GetAsync(original))).ShouldBe("Activate your account");

        await idp.AdvanceAsync(TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1));
        (await ExpireAsync(idp)).ShouldBe(0);
        await idp.AdvanceAsync(TimeSpan.FromMinutes(1));
        (await ExpireAsync(idp)).ShouldBe(1);
        (await ExpireAsync(idp)).ShouldBe(0);

        (await idp.QueryAsync(db => db.Users.AnyAsync(u => u.UserName == pending.UserName))).ShouldBeFalse();
        (await idp.QueryAsync(db => db.AuditEvents.CountAsync(a => a.Kind == AuditKinds.Expired && a.UserName == pending.UserName))).ShouldBe(1);
        (await idp.QueryAsync(db => db.Users.SingleAsync(u => u.UserName == activated.UserName))).Status.ShouldBe(AccountStatus.Active);

        await AccountForms.RegisterAcceptedAsync(browser, pending);
        await idp.Smtp.WaitForCountAsync(pending.Email, "Activate your CERS account", 2);
        (await idp.QueryAsync(db => db.Users.SingleAsync(u => u.UserName == pending.UserName))).Status.ShouldBe(AccountStatus.PendingActivation);

        await Task.Delay(500);
        idp.Smtp.Find(pending.Email, "Reminder").Count.ShouldBe(2);
        idp.Smtp.Find(activated.Email, "Reminder").ShouldBeEmpty();

        // What the provider's meter counted along the way.
        registrations.GetMeasurementSnapshot().Sum(m => m.Value).ShouldBe(3);
        remindersSent.GetMeasurementSnapshot().Sum(m => m.Value).ShouldBe(2);
        expiries.GetMeasurementSnapshot().Sum(m => m.Value).ShouldBe(1);
    }

    [Fact]
    public async Task An_activated_account_is_never_expired_or_reminded()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true);
        using var browser = idp.CreateBrowser();
        var applicant = Applicant.New();
        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        await AccountForms.ActivateAsync(browser, AccountForms.LinkIn(await idp.Smtp.WaitForAsync(applicant.Email, "Activate"), "/Account/Activate"), applicant.Password);

        foreach (var day in new[] { 7, 27, 30, 31, 365 })
        {
            idp.Clock.SetUtcNow(idp.Clock.Start + TimeSpan.FromDays(day));
            (await RemindAsync(idp)).ShouldBe(0);
            (await ExpireAsync(idp)).ShouldBe(0);
        }

        (await idp.QueryAsync(db => db.Users.SingleAsync(u => u.UserName == applicant.UserName))).Status.ShouldBe(AccountStatus.Active);
    }

    [Fact]
    public async Task An_activation_link_past_the_window_says_it_has_expired_and_activates_nothing()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true);
        using var browser = idp.CreateBrowser();
        var applicant = Applicant.New();
        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        var link = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(applicant.Email, "Activate"), "/Account/Activate");

        await idp.AdvanceAsync(TimeSpan.FromDays(30));
        var response = await AccountForms.ActivateAsync(browser, link, applicant.Password);

        (await AccountForms.TitleOfAsync(response)).ShouldBe("This activation link has expired");
        (await idp.QueryAsync(db => db.Users.SingleAsync(u => u.UserName == applicant.UserName))).Status.ShouldBe(AccountStatus.PendingActivation);
    }

    [Fact]
    public async Task A_second_resend_within_a_minute_sends_nothing_more()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true);
        using var browser = idp.CreateBrowser();
        var applicant = Applicant.New();
        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        await idp.Smtp.WaitForAsync(applicant.Email, "Activate");

        var resend = new Dictionary<string, string> { ["Email"] = applicant.Email };
        (await AccountForms.SubmitAsync(browser, "/Account/CheckEmail", resend)).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        await Task.Delay(1500);
        idp.Smtp.Find(applicant.Email, "Activate").Count.ShouldBe(1);

        await idp.AdvanceAsync(TimeSpan.FromMinutes(1));
        await AccountForms.SubmitAsync(browser, "/Account/CheckEmail", resend);
        await idp.Smtp.WaitForCountAsync(applicant.Email, "Activate", 2);
    }

    [Fact]
    public async Task Reminder_and_expiry_jobs_run_twice_at_once_do_what_one_run_does()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true, ("Activation:BatchSize", "25"), ("Jobs:RunServer", "false"));
        var registeredAt = idp.Clock.GetUtcNow().UtcDateTime;
        var ids = await idp.QueryAsync(async db =>
        {
            var users = Enumerable.Range(0, 120).Select(i => new CersUser
            {
                UserName = $"bulk{i:D4}{Guid.NewGuid():N}"[..16],
                Email = $"bulk{i}.{Guid.NewGuid():N}@example.com",
                FirstName = "Bulk",
                LastName = "Pending",
                ProtectionPhrase = "bulk phrase",
                Status = AccountStatus.PendingActivation,
                RegisteredAt = registeredAt,
                SecurityStamp = Guid.NewGuid().ToString(),
            }).ToList();
            foreach (var user in users)
            {
                user.NormalizedUserName = user.UserName!.ToUpperInvariant();
                user.NormalizedEmail = user.Email!.ToUpperInvariant();
            }

            db.Users.AddRange(users);
            await db.SaveChangesAsync();
            return users.Select(u => u.Id).ToList();
        });

        idp.Clock.Advance(TimeSpan.FromDays(7));
        var reminded = await Task.WhenAll(RemindAsync(idp), RemindAsync(idp));
        reminded.Sum().ShouldBe(120);
        (await idp.QueryAsync(db => db.EmailOutbox.CountAsync(e => e.Kind == "activation-reminder"))).ShouldBe(120);
        (await idp.QueryAsync(db => db.Users.Where(u => ids.Contains(u.Id)).Select(u => u.RemindersSent).ToListAsync())).ShouldAllBe(r => r == 1);

        idp.Clock.Advance(TimeSpan.FromDays(23));
        var expired = await Task.WhenAll(ExpireAsync(idp), ExpireAsync(idp));
        expired.Sum().ShouldBe(120);
        (await idp.QueryAsync(db => db.Users.CountAsync(u => ids.Contains(u.Id)))).ShouldBe(0);
        (await idp.QueryAsync(db => db.AuditEvents.CountAsync(a => a.Kind == AuditKinds.Expired && ids.Contains(a.SubjectId!)))).ShouldBe(120);
        (await idp.QueryAsync(db => db.AuditEvents.Where(a => a.Kind == AuditKinds.Expired).GroupBy(a => a.SubjectId).CountAsync(g => g.Count() > 1))).ShouldBe(0);
    }

    [Fact]
    public async Task Expiry_in_batches_takes_each_due_account_once_and_leaves_the_others()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true, ("Activation:BatchSize", "25"), ("Jobs:RunServer", "false"));
        var now = idp.Clock.GetUtcNow().UtcDateTime;
        var window = TimeSpan.FromDays(30);

        // 70 due accounts a second apart (three batches), two accounts in the middle of them already active, and three
        // pending accounts whose window has not passed.
        var accounts = await idp.QueryAsync(async db =>
        {
            CersUser Account(string kind, int i, TimeSpan age, AccountStatus status)
            {
                var name = $"{kind}{i:D3}{Guid.NewGuid():N}"[..16];
                return new CersUser
                {
                    UserName = name,
                    NormalizedUserName = name.ToUpperInvariant(),
                    Email = $"{name}@example.com",
                    NormalizedEmail = $"{name}@EXAMPLE.COM",
                    FirstName = "Batch",
                    LastName = "Pending",
                    ProtectionPhrase = "batch phrase",
                    Status = status,
                    RegisteredAt = now - age,
                    SecurityStamp = Guid.NewGuid().ToString(),
                };
            }

            var due = Enumerable.Range(0, 70).Select(i => Account("due", i, window + TimeSpan.FromSeconds(i + 1), AccountStatus.PendingActivation)).ToList();
            var active = Enumerable.Range(0, 2).Select(i => Account("act", i, window + TimeSpan.FromSeconds(30 + i) + TimeSpan.FromMilliseconds(500), AccountStatus.Active)).ToList();
            var recent = Enumerable.Range(0, 3).Select(i => Account("new", i, window - TimeSpan.FromSeconds(i + 1), AccountStatus.PendingActivation)).ToList();
            db.Users.AddRange([.. due, .. active, .. recent]);
            await db.SaveChangesAsync();
            return (Due: due.Select(u => u.Id).ToList(), Kept: active.Concat(recent).Select(u => u.Id).ToList());
        });

        (await ExpireAsync(idp)).ShouldBe(70);
        (await ExpireAsync(idp)).ShouldBe(0);

        (await idp.QueryAsync(db => db.Users.CountAsync(u => accounts.Due.Contains(u.Id)))).ShouldBe(0);
        (await idp.QueryAsync(db => db.Users.CountAsync(u => accounts.Kept.Contains(u.Id)))).ShouldBe(5);
        var recorded = await idp.QueryAsync(db => db.AuditEvents.Where(a => a.Kind == AuditKinds.Expired).Select(a => a.SubjectId!).ToListAsync());
        recorded.Order().ShouldBe(accounts.Due.Order());
    }

    private static Task<int> RemindAsync(IsolatedIdp idp) => idp.RunAsync<ActivationReminderJob, int>(job => job.RunAsync(CancellationToken.None));

    private static Task<int> ExpireAsync(IsolatedIdp idp) => idp.RunAsync<PendingAccountExpiryJob, int>(job => job.RunAsync(CancellationToken.None));
}
