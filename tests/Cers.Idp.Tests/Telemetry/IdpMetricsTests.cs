using System.Net;
using System.Security.Claims;
using Cers.Idp.Accounts;
using Cers.Idp.Telemetry;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cers.Idp.Tests.Telemetry;

/// <summary>
/// The provider's meter (<see cref="IdpMetrics.MeterName"/>) read with <see cref="MetricCollector{T}"/> while a scenario
/// runs over real HTTP: each count the scenario must produce, with its attributes, and nothing more.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class IdpMetricsTests(IdpFactory idp)
{
    [Fact]
    public async Task Registration_activation_sign_ins_and_tokens_are_counted_by_outcome_grant_type_and_client()
    {
        using var signIns = Collect("cers.idp.sign_in.attempts");
        using var tokens = Collect("cers.idp.token.responses");
        using var registrations = Collect("cers.idp.registrations");
        using var activations = Collect("cers.idp.activations");

        var applicant = Applicant.New();
        using var browser = idp.CreateBrowser();
        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        var link = AccountForms.LinkIn(await idp.Smtp.WaitForAsync(applicant.Email, "Activate your CERS account"), "/Account/Activate");
        (await AccountForms.ActivateAsync(browser, link, applicant.Password)).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var wrong = idp.CreateBrowser();
        await BrowserSignIn.PostLoginAsync(wrong, new Uri(idp.BaseAddress, "/Account/Login"), applicant.UserName, "not the password at all");
        using var signedIn = idp.CreateBrowser();
        var code = await BrowserSignIn.SignInAsync(idp, signedIn, applicant.UserName, applicant.Password);
        using var backChannel = idp.CreateBackChannel();
        var issued = await BrowserSignIn.RedeemAsync(backChannel, code);
        (await BrowserSignIn.RefreshAsync(backChannel, issued.RefreshToken!)).IsError.ShouldBeFalse();
        await DevelopmentClients.RegulatorAccessTokenAsync(backChannel);
        (await BrowserSignIn.RefreshAsync(backChannel, "not-a-refresh-token")).IsError.ShouldBeTrue();

        Count(registrations).ShouldBe(1);
        Count(activations).ShouldBe(1);
        Count(signIns, ("cers.outcome", "failed")).ShouldBe(1);
        Count(signIns, ("cers.outcome", "succeeded")).ShouldBe(1);
        Count(signIns).ShouldBe(2);
        Count(tokens, ("cers.grant_type", "authorization_code"), ("cers.client_id", IdpFactory.PortalClientId)).ShouldBe(1);
        Count(tokens, ("cers.grant_type", "refresh_token"), ("cers.client_id", IdpFactory.PortalClientId)).ShouldBe(1);
        Count(tokens, ("cers.grant_type", "client_credentials"), ("cers.client_id", IdpFactory.RegulatorClientId)).ShouldBe(1,
            string.Join("; ", tokens.GetMeasurementSnapshot().Select(m => string.Join(",", m.Tags.Select(t => $"{t.Key}={t.Value}")))));
        Count(tokens).ShouldBe(3);
    }

    [Fact]
    public async Task Second_factor_answers_and_a_lockout_are_counted()
    {
        using var signIns = Collect("cers.idp.sign_in.attempts");
        using var challenges = Collect("cers.idp.mfa.challenges");

        // An admin (whose role requires a second factor) enrols at the first sign-in, then answers at the next.
        var admin = await idp.CreateUserAsync();
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
            (await users.AddClaimAsync((await users.FindByIdAsync(admin.Id))!, new Claim("role", "cers-admin"))).Succeeded.ShouldBeTrue();
        }

        using (var first = idp.CreateBrowser())
        {
            await BrowserSignIn.SignInWithSecondFactorAsync(first, admin.UserName!, "a long enough test password");
        }

        using var second = idp.CreateBrowser();
        var step = await BrowserSignIn.PostLoginAsync(second, new Uri(idp.BaseAddress, "/Account/Login"), admin.UserName!, "a long enough test password");
        var page = new Uri(idp.BaseAddress, step.Headers.Location!);
        page.AbsolutePath.ShouldBe("/Account/LoginWith2fa");
        var form = await BrowserSignIn.ReadFormAsync(await second.GetAsync(page), page);
        form.Fields["Code"] = "000000";
        await second.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
        (await BrowserSignIn.AnswerSecondFactorAsync(second, page, admin.UserName!)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // Another account locked out by wrong passwords: four failures, then the fifth locks it.
        var locked = await idp.CreateUserAsync();
        for (var i = 0; i < 5; i++)
        {
            using var attempt = idp.CreateBrowser();
            await BrowserSignIn.PostLoginAsync(attempt, new Uri(idp.BaseAddress, "/Account/Login"), locked.UserName!, "wrong password number " + i);
        }

        // The first sign-in had no second factor yet (it enrolled one after), the second was asked for it.
        Count(signIns, ("cers.outcome", "succeeded")).ShouldBe(1);
        Count(signIns, ("cers.outcome", "second_factor_required")).ShouldBe(1);
        Count(signIns, ("cers.outcome", "failed")).ShouldBe(4);
        Count(signIns, ("cers.outcome", "locked_out")).ShouldBe(1);
        Count(challenges, ("cers.factor", "authenticator"), ("cers.outcome", "failed")).ShouldBe(1);
        Count(challenges, ("cers.factor", "authenticator"), ("cers.outcome", "succeeded")).ShouldBe(1);
        Count(challenges).ShouldBe(2);
    }

    private MetricCollector<long> Collect(string instrument) =>
        new(idp.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), IdpMetrics.MeterName, instrument);

    private static long Count(MetricCollector<long> collector, params (string Key, string Value)[] tags) =>
        collector.GetMeasurementSnapshot()
            .Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var value) && Equals(value, t.Value)))
            .Sum(m => m.Value);
}
