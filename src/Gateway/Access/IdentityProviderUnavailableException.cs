namespace Orleans.Uploads.Gateway.Access;

/// <summary>A JWT could not be checked for a reason that is not the token's (the authority's keys could not be fetched): a 503, not a 401.</summary>
public sealed class IdentityProviderUnavailableException(Exception innerException)
    : Exception("the identity provider that signs JWTs could not be reached", innerException);
