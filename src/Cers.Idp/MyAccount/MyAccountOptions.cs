using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.MyAccount;

/// <summary>The <c>MyAccount</c> section.</summary>
public sealed class MyAccountOptions
{
    public const string SectionName = "MyAccount";

    /// <summary>How long the link confirming a new email address works.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00", ErrorMessage = "MyAccount:EmailChangeLinkLifetime must be between 5 minutes and 7 days.")]
    public TimeSpan EmailChangeLinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Most confirmation links one address is sent in 24 hours, whoever asks: nobody can fill a stranger's mailbox.</summary>
    [Range(1, 50, ErrorMessage = "MyAccount:EmailChangeDailyCap must be between 1 and 50.")]
    public int EmailChangeDailyCap { get; set; } = 3;

    /// <summary>Rows on one page of Email History and of the security activity.</summary>
    [Range(5, 200, ErrorMessage = "MyAccount:PageSize must be between 5 and 200.")]
    public int PageSize { get; set; } = 25;
}
