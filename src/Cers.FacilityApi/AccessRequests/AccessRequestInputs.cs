using System.ComponentModel;

namespace Cers.FacilityApi.AccessRequests;

public sealed record CreateAccessRequestInput(
    [property: Description("The CERS ID of the facility the requester found the business through.")] int? CersId,
    [property: Description("The requester's phone number, like (916) 555-0100, optionally with an extension (x123); at most 30 characters.")] string? Phone,
    [property: Description("The requester's title (at most 100 characters).")] string? Title,
    [property: Description("LeadUser, Approver, Editor or Viewer.")] string? RequestedRole);

public sealed record ApproveAccessRequestInput(
    [property: Description("LeadUser, Approver, Editor or Viewer.")] string? GrantedRole,
    [property: Description("The request's version as last read; a stale one is refused with 409 decision_conflict.")] int? Version);

public sealed record DenyAccessRequestInput(
    [property: Description("Why, shown to the requester (required, at most 1000 characters; line breaks become spaces).")] string? Reason,
    [property: Description("The request's version as last read; a stale one is refused with 409 decision_conflict.")] int? Version);
