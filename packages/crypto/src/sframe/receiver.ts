import { constantTimeEqual, type SFrameCryptoBackend } from './backend.ts';
import { SFrameError } from './errors.ts';
import { decodeHeader } from './header.ts';
import { openFrame } from './frame.ts';
import { BaseKeySecret, type FrameKey } from './key-schedule.ts';
import { ReplayWindow, DEFAULT_REPLAY_WINDOW } from './replay-window.ts';
import { suiteParams, type CipherSuiteId, type SuiteParams } from './suites.ts';
import type { DropReason, UnprotectResult } from './types.ts';

export interface SFrameReceiverOptions {
  backend: SFrameCryptoBackend;
  /** The suite keys are installed under unless `setKey` says otherwise. */
  suite: CipherSuiteId;
  /** Replay window per KID, in frames: a power of two from 32 to 65536. Default 128. */
  replayWindow?: number;
  /** Suites whose frames may be played; a KID keyed under another suite is dropped. Default: `[suite]`. */
  allowedSuites?: readonly CipherSuiteId[];
  /**
   * For a KID with no installed key: the base key secret to derive it from, or undefined. The
   * derived key is kept only once a frame under it authenticates, so garbage KIDs leave no state.
   */
  keySource?: (kid: bigint) => BaseKeySecret | undefined;
}

interface ReceiveState {
  readonly key: FrameKey;
  readonly window: ReplayWindow;
}

const drop = (reason: DropReason): UnprotectResult => ({ kind: 'drop', reason });

/**
 * Decrypts frames under receive-only keys. `unprotect` never throws and never changes key or
 * replay state for a frame that fails: it answers ok or a drop with its reason.
 */
export class SFrameReceiver {
  readonly suite: SuiteParams;
  readonly replayWindow: number;
  readonly #backend: SFrameCryptoBackend;
  readonly #allowed: ReadonlySet<CipherSuiteId>;
  readonly #keySource: ((kid: bigint) => BaseKeySecret | undefined) | undefined;
  readonly #keys = new Map<bigint, ReceiveState>();
  #closed = false;

  constructor(options: SFrameReceiverOptions) {
    this.#backend = options.backend;
    this.suite = suiteParams(options.suite);
    this.replayWindow = options.replayWindow ?? DEFAULT_REPLAY_WINDOW;
    new ReplayWindow(this.replayWindow); // validates the size up front
    this.#allowed = new Set(options.allowedSuites ?? [options.suite]);
    this.#keySource = options.keySource;
  }

  /**
   * Installs the receive key for `kid`. The same base key again keeps the replay window (a reset
   * would let old frames replay); a different one starts a fresh window.
   */
  async setKey(
    kid: bigint,
    baseKey: Uint8Array,
    options?: { suite?: CipherSuiteId },
  ): Promise<void> {
    const suite = options?.suite === undefined ? this.suite : suiteParams(options.suite);
    this.#assertOpen();
    const secret = await BaseKeySecret.fromBaseKey(this.#backend, suite, baseKey);
    const key = await secret.deriveFrameKey(kid);
    this.#assertOpen();
    const existing = this.#keys.get(kid);
    if (
      existing !== undefined &&
      existing.key.suite.id === suite.id &&
      constantTimeEqual(existing.key.salt, key.salt)
    )
      return;
    existing?.key.salt.fill(0);
    this.#keys.set(kid, { key, window: new ReplayWindow(this.replayWindow) });
  }

  hasKey(kid: bigint): boolean {
    return this.#keys.has(kid);
  }

  removeKey(kid: bigint): void {
    this.#keys.get(kid)?.key.salt.fill(0);
    this.#keys.delete(kid);
  }

  unprotect(frame: Uint8Array, metadata: Uint8Array): Promise<UnprotectResult> {
    // Back ends answer a failed open with null; anything thrown is unexpected, and a frame that
    // made it happen is still not played.
    try {
      const result = this.#unprotect(frame, metadata);
      return result instanceof Promise
        ? result.catch(() => drop('auth_failed'))
        : Promise.resolve(result);
    } catch {
      return Promise.resolve(drop('auth_failed'));
    }
  }

  #unprotect(frame: Uint8Array, metadata: Uint8Array): UnprotectResult | Promise<UnprotectResult> {
    if (this.#closed) return drop('closed');
    const header = decodeHeader(frame);
    if (header.kind === 'drop') return header;
    const state = this.#keys.get(header.kid);
    if (state !== undefined)
      return this.#open(state, false, frame, header.ctr, header.length, metadata);

    const secret = this.#keySource?.(header.kid);
    if (secret === undefined) return drop('unknown_kid');
    const early = this.#precheck(secret.suite, frame, header.length);
    if (early !== undefined) return early;
    return secret.deriveFrameKey(header.kid).then((key) => {
      const derived = { key, window: new ReplayWindow(this.replayWindow) };
      return this.#open(derived, true, frame, header.ctr, header.length, metadata);
    });
  }

  #precheck(
    suite: SuiteParams,
    frame: Uint8Array,
    headerLength: number,
  ): UnprotectResult | undefined {
    if (!this.#allowed.has(suite.id)) return drop('suite_not_allowed');
    if (frame.length < headerLength + suite.nt) return drop('too_short');
    return undefined;
  }

  #open(
    state: ReceiveState,
    derived: boolean,
    frame: Uint8Array,
    ctr: bigint,
    headerLength: number,
    metadata: Uint8Array,
  ): UnprotectResult | Promise<UnprotectResult> {
    const early = this.#precheck(state.key.suite, frame, headerLength);
    if (early !== undefined) return early;
    const seen = state.window.check(ctr);
    if (seen !== 'ok') return drop(seen);
    const plaintext = openFrame(state.key, ctr, frame, headerLength, metadata);
    if (plaintext instanceof Promise)
      return plaintext.then((pt) => this.#accept(state, derived, ctr, pt));
    return this.#accept(state, derived, ctr, plaintext);
  }

  /** After authentication: the only place receive state changes. */
  #accept(
    state: ReceiveState,
    derived: boolean,
    ctr: bigint,
    plaintext: Uint8Array | null,
  ): UnprotectResult {
    if (plaintext === null) return drop('auth_failed');
    // The world may have moved while the AEAD ran: closed, key removed or replaced, or the same
    // CTR accepted by a concurrent call.
    if (this.#closed) return drop('closed');
    const kid = state.key.kid;
    const current = this.#keys.get(kid);
    if (derived) {
      if (current === undefined) this.#keys.set(kid, state);
      else if (constantTimeEqual(current.key.salt, state.key.salt)) state = current;
      else return drop('unknown_kid');
    } else if (current !== state) {
      return drop('unknown_kid');
    }
    const again = state.window.check(ctr);
    if (again !== 'ok') return drop(again);
    state.window.mark(ctr);
    return { kind: 'ok', plaintext, kid, ctr };
  }

  /** Idempotent; wipes the salts it holds and drops every later frame. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const state of this.#keys.values()) state.key.salt.fill(0);
    this.#keys.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new SFrameError('closed', 'SFrame receiver is closed');
  }
}
