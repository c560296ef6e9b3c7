using Cers.BusinessPortal.FacilityApi;

namespace Cers.BusinessPortal.Pages.Regulator.Facilities;

/// <summary>Regulator staff: the facilities of their agency's jurisdiction, searched by CERS ID, name, address or business.</summary>
public sealed class IndexModel(FacilityApiClient api) : JurisdictionListModel<JurisdictionFacilityPage>(api)
{
    protected override Task<ApiResult<JurisdictionFacilityPage>> ListAsync(FacilityApiClient api, string? query, int page,
        CancellationToken cancellationToken) =>
        api.JurisdictionFacilitiesAsync(query, page, cancellationToken);
}
