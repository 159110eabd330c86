/** Why a frame was not played. Every drop is counted by the caller that owns the policy. */
export type DropReason =
  /** The header cannot be parsed (truncated, non-minimal length, empty frame). */
  | 'malformed_header'
  /** Header parsed, but fewer bytes than a tag follow it. */
  | 'too_short'
  /** No key for the KID (never provisioned, removed, or an invalid KID for the profile). */
  | 'unknown_kid'
  /** The KID names an epoch this key ring does not hold (never seen, or past retention). */
  | 'unknown_epoch'
  /** The KID is this member's own sending KID: a key is for sending or receiving, never both. */
  | 'own_kid'
  /** CTR already accepted for this KID. */
  | 'replay'
  /** CTR is older than the replay window. */
  | 'too_old'
  /** AEAD authentication failed (tampered, wrong key, or another suite). */
  | 'auth_failed'
  /** The KID's key is for a suite the receiver's profile does not allow. */
  | 'suite_not_allowed'
  /** The receiver was closed. */
  | 'closed';

export const DROP_REASONS: readonly DropReason[] = [
  'malformed_header',
  'too_short',
  'unknown_kid',
  'unknown_epoch',
  'own_kid',
  'replay',
  'too_old',
  'auth_failed',
  'suite_not_allowed',
  'closed',
];

export type UnprotectResult =
  | { kind: 'ok'; plaintext: Uint8Array; kid: bigint; ctr: bigint }
  | { kind: 'drop'; reason: DropReason };

export type RefuseReason =
  /** The KID's counter reached 2^64 - 1 and was used: a new key is needed. */
  | 'counter_exhausted'
  /** No sending key for the KID. */
  | 'unknown_kid'
  /** A key ring that has not been given an epoch yet. */
  | 'no_epoch'
  | 'closed';

export type ProtectResult =
  | { kind: 'ok'; frame: Uint8Array; kid: bigint; ctr: bigint }
  | { kind: 'refused'; reason: RefuseReason };
