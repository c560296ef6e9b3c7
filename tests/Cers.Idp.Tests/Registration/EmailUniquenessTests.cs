using System.Net;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Registration;

[Collection(IdpCollection.Name)]
public sealed class EmailUniquenessTests(IdpFactory idp)
{
    [Fact]
    public async Task Simultaneous_registrations_with_one_email_create_one_account_and_every_page_still_answers()
    {
        var email = $"race.{Guid.NewGuid():N}@example.com";
        var applicants = Enumerable.Range(0, 12).Select(_ => Applicant.New() with { Email = email }).ToList();

        var answers = await Task.WhenAll(applicants.Select(async applicant =>
        {
            using var browser = idp.CreateBrowser();
            return (await AccountForms.RegisterAsync(browser, applicant)).StatusCode;
        }));

        answers.ShouldAllBe(status => status == HttpStatusCode.Redirect);
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
            var normalized = email.ToUpperInvariant();
            (await db.Users.CountAsync(u => u.NormalizedEmail == normalized)).ShouldBe(1);
        }

        using var again = idp.CreateBrowser();
        (await AccountForms.RegisterAsync(again, Applicant.New() with { Email = email })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await AccountForms.SubmitAsync(again, "/Account/CheckEmail", new Dictionary<string, string> { ["Email"] = email })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.SubmitAsync(again, "/Account/ForgotUsername", new Dictionary<string, string> { ["Email"] = email })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Resending_the_activation_email_stops_at_five_a_day_for_one_address()
    {
        var applicant = Applicant.New();
        using var browser = idp.CreateBrowser();
        await AccountForms.RegisterAcceptedAsync(browser, applicant);

        for (var i = 0; i < 7; i++)
        {
            (await AccountForms.SubmitAsync(browser, "/Account/CheckEmail", new Dictionary<string, string> { ["Email"] = applicant.Email }))
                .StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await idp.Smtp.WaitForCountAsync(applicant.Email, "Activate your CERS account", 5);
        await Task.Delay(1500);
        idp.Smtp.Find(applicant.Email, "Activate your CERS account").Count.ShouldBe(5);
    }

    [Fact]
    public async Task Resends_carried_out_at_once_never_pass_five_a_day_for_one_address()
    {
        // Resend requests are queued and the job server runs several at a time: their cap checks race.
        var applicant = Applicant.New();
        using var browser = idp.CreateBrowser();
        await AccountForms.RegisterAcceptedAsync(browser, applicant);

        // On threads of their own: SQLite's driver completes its "async" calls synchronously, so without them the
        // resends would run one after another.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
        try
        {
            using var start = new Barrier(12);
            await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(async () =>
            {
                await using var scope = idp.Services.CreateAsyncScope();
                var activation = scope.ServiceProvider.GetRequiredService<Cers.Idp.Activation.AccountActivation>();
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                await activation.ResendAsync(applicant.Email, CancellationToken.None);
            })));
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, io);
        }

        await using var check = idp.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<IdpDbContext>();
        var address = applicant.Email.ToLowerInvariant();
        // Never past the cap; of resends racing for one account, one writes and the others stop.
        var sent = await db.EmailOutbox.CountAsync(e => e.ToAddress == address && e.Kind == "activation");
        sent.ShouldBeGreaterThan(1);
        sent.ShouldBeLessThanOrEqualTo(5);
    }
}
