using Cers.BusinessPortal.FacilityApi;

namespace Cers.BusinessPortal.Pages.Regulator.Businesses;

/// <summary>Regulator staff: the businesses with a facility in their agency's jurisdiction, each linked to its members.</summary>
public sealed class IndexModel(FacilityApiClient api) : JurisdictionListModel<JurisdictionBusinessPage>(api)
{
    protected override Task<ApiResult<JurisdictionBusinessPage>> ListAsync(FacilityApiClient api, string? query, int page,
        CancellationToken cancellationToken) =>
        api.JurisdictionBusinessesAsync(query, page, cancellationToken);
}
