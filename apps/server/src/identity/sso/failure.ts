// Why a single sign-on did not sign anyone in, as a stable code the sign-in page turns into a
// sentence (it arrives there in the URL: `/?sso_error=<code>`). Never the provider's raw
// error text, which could carry a token or an identity.
export const ssoFailureCodes = [
  /** The sign-in took too long, or its cookie is gone or was altered. */
  'flow_expired',
  /** The provider's answer does not belong to this sign-in (state), or it sent an error. */
  'provider_refused',
  /** The ID token failed validation: signature, issuer, audience, nonce or expiry. */
  'id_token_invalid',
  /** The token lacks the subject or the email claim. */
  'claims_missing',
  /** The email is not in one of the organization's single sign-on domains. */
  'domain_not_allowed',
  /** An account with this email exists and the provider did not say it verified the email. */
  'email_unverified',
  /** Single sign-on is not set up for that email's organization. */
  'not_configured',
  /** An admin disabled the account the provider's identity is linked to. */
  'account_disabled',
] as const;
export type SsoFailureCode = (typeof ssoFailureCodes)[number];

export class SsoFailure extends Error {
  override readonly name = 'SsoFailure';
  constructor(readonly code: SsoFailureCode) {
    super(`single sign-on failed: ${code}`);
  }
}
