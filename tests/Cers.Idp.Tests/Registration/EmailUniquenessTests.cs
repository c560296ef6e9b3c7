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
}
