// Single sign-on through the organization's OpenID provider: the tenant's settings (admins), and
// what a sign-in page needs to know before it sends someone there.
import { z } from 'zod';
import { timestampSchema } from './common.ts';

const claimName = z.string().trim().min(1).max(100);
const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'not a domain name');

export const ssoSettingsSchema = z.object({
  /** The provider's issuer; its discovery document is at `<issuer>/.well-known/openid-configuration`. */
  issuer: z.string(),
  clientId: z.string(),
  /** The client secret is write-only: only whether one is stored is shown. */
  hasClientSecret: z.boolean(),
  /** People whose email is in one of these domains sign in through this provider. */
  domains: z.array(z.string()),
  emailClaim: z.string(),
  nameClaim: z.string(),
  /** The claim listing the user's groups by name; null: group memberships are not taken from it. */
  groupsClaim: z.string().nullable(),
  /** False: password sign-in is off, except for the organization's first admin (break-glass). */
  passwordSignIn: z.boolean(),
  /** Users created at their first sign-in get the premium licence E2EE meetings need. */
  newUsersPremium: z.boolean(),
  /** Where the provider must send people back (register it with the provider). */
  redirectUri: z.string(),
  updatedAt: timestampSchema,
});
export type SsoSettingsView = z.infer<typeof ssoSettingsSchema>;

export const ssoResponseSchema = z.object({ sso: ssoSettingsSchema.nullable() });

export const ssoPutSchema = z.strictObject({
  issuer: z.url({ protocol: /^https?$/ }).max(500),
  clientId: z.string().trim().min(1).max(500),
  /** Required the first time; left out, the stored one is kept. */
  clientSecret: z.string().min(1).max(2000).exactOptional(),
  domains: z.array(domainSchema).min(1).max(50),
  emailClaim: claimName.default('email'),
  nameClaim: claimName.default('name'),
  groupsClaim: claimName.nullable().default('groups'),
  passwordSignIn: z.boolean().default(true),
  newUsersPremium: z.boolean().default(false),
});

/** `GET /api/auth/sso?email=…`: whether that email signs in through single sign-on. */
export const ssoLookupResponseSchema = z.object({
  sso: z.boolean(),
  /** Where to send the browser to sign in (present when `sso`). */
  startUrl: z.string().exactOptional(),
  /** False: this email's organization signs in through its provider only. */
  passwordSignIn: z.boolean(),
});
