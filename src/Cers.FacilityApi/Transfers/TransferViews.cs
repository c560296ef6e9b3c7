using System.ComponentModel;

namespace Cers.FacilityApi.Transfers;

public sealed record CreateTransferInput(
    [property: Description("The receiving business: one the caller is a Lead User of, or, for a regulator, any business. " +
        "Omit it (or give the facility's own business) for an address change alone.")] string? ToOrganizationCode,
    [property: Description("The new street line, when the address changes; give street, city and zip together.")] string? Street,
    [property: Description("The new city.")] string? City,
    [property: Description("The new 5-digit ZIP, or ZIP+4.")] string? Zip,
    [property: Description("Why, for the regulator (at most 1000 characters).")] string? Note);

public sealed record DecideTransferInput(
    [property: Description("The transfer's version as last read.")] int? Version,
    [property: Description("Required to deny: shown to whoever asked (at most 1000 characters).")] string? Reason);

public sealed record TransferView(
    long Id,
    TransferView.FacilityView Facility,
    TransferView.BusinessView From,
    TransferView.BusinessView To,
    TransferView.AddressView? NewAddress,
    string AgencyCode,
    TransferStatus Status,
    [property: Description("The asker's sub: the only one who may withdraw it.")] string RequestedBySubject,
    string RequestedByName,
    string? RequestedByAgencyCode,
    string? Note,
    string? DecidedByName,
    DateTime? DecidedAt,
    string? Reason,
    DateTime CreatedAt,
    int Version)
{
    public sealed record FacilityView(int CersId, string Name, string Street, string City, string Zip, string County);

    public sealed record BusinessView(string OrganizationCode, string Name);

    public sealed record AddressView(string Street, string City, string Zip);
}

public sealed record TransferPage(IReadOnlyList<TransferView> Items, int Page, int PageSize, int Total);
