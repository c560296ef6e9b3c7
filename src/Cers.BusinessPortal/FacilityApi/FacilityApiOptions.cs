using System.ComponentModel.DataAnnotations;

namespace Cers.BusinessPortal.FacilityApi;

/// <summary>Where the facility API is (configuration section <c>FacilityApi</c>).</summary>
public sealed class FacilityApiOptions : IValidatableObject
{
    public const string SectionName = "FacilityApi";

    public Uri? BaseAddress { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BaseAddress is not { IsAbsoluteUri: true } || (BaseAddress.Scheme != Uri.UriSchemeHttps && BaseAddress.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("FacilityApi:BaseAddress must be the absolute URL of the CERS facility API, e.g. https://cers-api.example.gov/.",
                [nameof(BaseAddress)]);
        }
    }
}
