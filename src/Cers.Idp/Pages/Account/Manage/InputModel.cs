using Cers.Idp.Accounts;

namespace Cers.Idp.Pages.Account.Manage;

/// <summary>The profile form: the same fields and rules as Create New Account (<see cref="ProfileFields"/>).</summary>
public sealed class InputModel : ProfileFields;
