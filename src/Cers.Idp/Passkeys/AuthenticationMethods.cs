namespace Cers.Idp.Passkeys;

/// <summary>
/// The <c>amr</c> values of the session cookie (RFC 8176), one claim per method: <c>pwd</c> a password,
/// <c>hwk</c> a key bound to one device (a passkey that cannot be backed up), <c>swk</c> a key that can be
/// synced or backed up (a software key as RFC 8176 counts it), <c>mfa</c> more than one factor (a password with
/// a passkey, or a passkey whose authenticator verified the user by PIN or biometric, which is possession plus
/// knowledge or inherence).
/// </summary>
public static class AuthenticationMethods
{
    public const string ClaimType = "amr";
    public const string Password = "pwd";
    public const string HardwareKey = "hwk";
    public const string SoftwareKey = "swk";
    public const string MultipleFactors = "mfa";
}
