using Cers.Idp.Accounts;
using Cers.Idp.Keys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Pages.Admin.Keys;

/// <summary>
/// The provider's signing keys for CERS admins (<c>Keys:Mode=Automatic</c>): each key's schedule and state, an early
/// rotation (a new key signs at once, e.g. after a suspected leak) and retiring a key at once. Each change is audited
/// with the admin's name; this instance reads the keys again at once, the others within <c>Keys:Automatic:RefreshInterval</c>.
/// </summary>
[Authorize(Policy = CersAdminRequirement.PolicyName)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(
    SigningKeyStore store,
    IOptions<KeyOptions> options,
    UserManager<CersUser> users,
    TimeProvider time,
    IServiceProvider services) : PageModel
{
    public const string StatusKey = "KeysStatus";

    public sealed record Row(SigningKey Key, string State);

    public bool Automatic => options.Value.Mode == KeyMode.Automatic;

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public DateTime NowUtc { get; private set; }

    public TimeSpan Retention => store.Retention;

    public AutomaticKeyOptions Schedule => options.Value.Automatic;

    [TempData(Key = StatusKey)]
    public string? Status { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        NowUtc = time.GetUtcNow().UtcDateTime;
        if (!Automatic)
        {
            return;
        }

        var keys = await store.ListAsync(cancellationToken);
        Rows = keys
            .Select(k => new Row(k, SigningKeySchedule.StateOf(k, keys.Where(f => f.Algorithm == k.Algorithm).ToList(), NowUtc, store.Retention)))
            .OrderBy(r => r.Key.Algorithm).ThenByDescending(r => r.Key.ActivatesAt)
            .ToList();
    }

    public async Task<IActionResult> OnPostRotateAsync(CancellationToken cancellationToken)
    {
        if (!Automatic)
        {
            return NotAutomatic();
        }

        var made = await store.RotateNowAsync(Actor(), cancellationToken);
        await services.LoadSigningKeysAsync(cancellationToken);
        Status = $"New keys sign from now on: {string.Join(", ", made.Select(k => $"{k.Id} ({k.Algorithm})"))}. " +
            "The keys they replace stay published for the tokens they signed; retire them to end those tokens too.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRetireAsync(string? id, CancellationToken cancellationToken)
    {
        if (!Automatic)
        {
            return NotAutomatic();
        }

        var retired = id is { Length: > 0 and <= 64 } && await store.RetireAsync(id, Actor(), cancellationToken);
        await services.LoadSigningKeysAsync(cancellationToken);
        Status = retired
            ? $"Key {id} is retired: it signs nothing more and has left the JWKS, so the tokens it signed no longer validate."
            : "No key was retired: it does not exist or is retired already.";
        return RedirectToPage();
    }

    private KeyChangeActor Actor() => new(users.GetUserId(User), User.Identity!.Name!);

    private RedirectToPageResult NotAutomatic()
    {
        Status = "Keys:Mode is Certificates: signing certificates are rolled over in configuration, not here.";
        return RedirectToPage();
    }
}
