namespace Cers.Idp.Passkeys;

/// <summary>The pages that ask the browser for a passkey, the only hosted pages besides the jobs dashboard allowed to run script.</summary>
public static class PasskeyPages
{
    public const string SignIn = "/Account/LoginWithPasskey";
    public const string Manage = "/Account/Manage/Passkeys";

    public static bool RunScript(PathString path) =>
        path.StartsWithSegments(SignIn, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(Manage, StringComparison.OrdinalIgnoreCase);
}
