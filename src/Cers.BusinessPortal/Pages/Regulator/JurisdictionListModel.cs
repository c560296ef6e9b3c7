using Cers.BusinessPortal.FacilityApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Regulator;

/// <summary>
/// A searched, paged list of the regulator's jurisdiction (its facilities, its businesses): the search text <c>q</c> and
/// page <c>p</c> from the address, so a page of results can be linked to and reloaded. Only regulator staff get a list; the
/// API decides (403 not_regulator), this spares everyone else a form that cannot work.
/// </summary>
public abstract class JurisdictionListModel<TPage>(FacilityApiClient api) : PageModel
    where TPage : class
{
    /// <summary>The API's largest page number.</summary>
    private const int MaxPage = 40_000;

    public Caller? Caller { get; private set; }

    public TPage? Results { get; private set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var caller = await api.GetCallerAsync(cancellationToken);
        Caller = caller.Value;
        if (Caller?.IsRegulator != true)
        {
            return;
        }

        var results = await ListAsync(api, Query, Math.Clamp(PageNumber, 1, MaxPage), cancellationToken);
        if ((caller.Problem ?? results.Problem) is { } problem)
        {
            ModelState.AddProblem(problem, new Dictionary<string, string> { ["q"] = "q" });
        }

        Results = results.Value;
    }

    protected abstract Task<ApiResult<TPage>> ListAsync(FacilityApiClient api, string? query, int page, CancellationToken cancellationToken);
}

/// <summary>Where a list's page links go: the same search, another page.</summary>
public sealed record JurisdictionPager(string Path, string? Query, int Page, int PageSize, int Total)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public string Link(int page) =>
        Path + Microsoft.AspNetCore.Http.QueryString.Create(new Dictionary<string, string?>
        {
            ["q"] = string.IsNullOrWhiteSpace(Query) ? null : Query,
            ["p"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.Where(p => p.Value is not null));
}
