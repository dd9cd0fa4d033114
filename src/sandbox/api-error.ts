/** An AWS-shaped refusal: the protocol layer renders it as REST-JSON or query XML. */
export class ApiError extends Error {
  readonly code: string
  /** OAuth error string for SSO-OIDC bodies (`authorization_pending`, …). */
  readonly oauthError?: string
  readonly status: number

  constructor(code: string, status: number, message: string, oauthError?: string) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
    this.oauthError = oauthError
  }
}

const oidc = (code: string, status: number, oauthError: string) => (message: string) =>
  new ApiError(code, status, message, oauthError)

export const OidcErrors = {
  accessDenied: oidc('AccessDeniedException', 400, 'access_denied'),
  authorizationPending: oidc('AuthorizationPendingException', 400, 'authorization_pending'),
  expiredToken: oidc('ExpiredTokenException', 400, 'expired_token'),
  invalidClient: oidc('InvalidClientException', 401, 'invalid_client'),
  invalidClientMetadata: oidc('InvalidClientMetadataException', 400, 'invalid_client_metadata'),
  invalidGrant: oidc('InvalidGrantException', 400, 'invalid_grant'),
  invalidRequest: oidc('InvalidRequestException', 400, 'invalid_request'),
  invalidScope: oidc('InvalidScopeException', 400, 'invalid_scope'),
  slowDown: oidc('SlowDownException', 400, 'slow_down'),
  unauthorizedClient: oidc('UnauthorizedClientException', 400, 'unauthorized_client'),
  unsupportedGrantType: oidc('UnsupportedGrantTypeException', 400, 'unsupported_grant_type'),
}

const plain = (code: string, status: number) => (message: string) => new ApiError(code, status, message)

export const PortalErrors = {
  forbidden: plain('ForbiddenException', 403),
  invalidRequest: plain('InvalidRequestException', 400),
  resourceNotFound: plain('ResourceNotFoundException', 404),
  tooManyRequests: plain('TooManyRequestsException', 429),
  unauthorized: plain('UnauthorizedException', 401),
}

export const QueryErrors = {
  accessDenied: plain('AccessDenied', 403),
  expiredToken: () => new ApiError('ExpiredToken', 403, 'The security token included in the request is expired'),
  expiredWebIdentityToken: () =>
    new ApiError('ExpiredTokenException', 400, 'Token expired: current date/time is past the exp claim'),
  invalidAction: (action: string) =>
    new ApiError('InvalidAction', 400, `Could not find operation ${action} for version of this service`),
  invalidClientTokenId: () =>
    new ApiError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.'),
  invalidIdentityToken: plain('InvalidIdentityToken', 400),
  missingAuthenticationToken: () =>
    new ApiError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token'),
  noSuchEntity: plain('NoSuchEntity', 404),
  signatureDoesNotMatch: (message?: string) =>
    new ApiError(
      'SignatureDoesNotMatch',
      403,
      message ??
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    ),
  validation: plain('ValidationError', 400),
}
