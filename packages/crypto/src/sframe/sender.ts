import { constantTimeEqual, type SFrameCryptoBackend } from './backend.ts';
import { SFrameError } from './errors.ts';
import { MAX_UINT64 } from './header.ts';
import { sealFrame } from './frame.ts';
import { BaseKeySecret, type FrameKey } from './key-schedule.ts';
import { suiteParams, type CipherSuiteId, type SuiteParams } from './suites.ts';
import type { ProtectResult } from './types.ts';

export interface SFrameSenderOptions {
  backend: SFrameCryptoBackend;
  suite: CipherSuiteId;
}

interface SendState {
  readonly key: FrameKey;
  /** The CTR the next frame gets; past MAX_UINT64 the key is spent. */
  next: bigint;
}

let setNextCounter: (sender: SFrameSender, kid: bigint, next: bigint) => void;

/**
 * Encrypts frames under send-only keys (RFC 9605 §4.4.1: a key is for sending or for receiving,
 * never both). Each KID has its own counter from 0 that only goes up; at 2^64 - 1 the KID
 * refuses further frames instead of wrapping, because a repeated CTR repeats the nonce.
 */
export class SFrameSender {
  readonly suite: SuiteParams;
  readonly #backend: SFrameCryptoBackend;
  readonly #keys = new Map<bigint, SendState>();
  #closed = false;

  static {
    setNextCounter = (sender, kid, next) => {
      const state = sender.#keys.get(kid);
      if (state === undefined)
        throw new SFrameError('invalid_argument', 'no sending key for this KID');
      state.next = next;
    };
  }

  constructor(options: SFrameSenderOptions) {
    this.#backend = options.backend;
    this.suite = suiteParams(options.suite);
  }

  /**
   * Installs the send key for `kid`. Installing the same base key again keeps the counter (a
   * restart at 0 would reuse nonces); a different base key is a fresh key and starts at 0.
   */
  async setKey(kid: bigint, baseKey: Uint8Array): Promise<void> {
    await this.setKeySecret(
      kid,
      await BaseKeySecret.fromBaseKey(this.#backend, this.suite, baseKey),
    );
  }

  /** As `setKey`, from an already extracted base key secret (the key ring's path). */
  async setKeySecret(kid: bigint, secret: BaseKeySecret): Promise<void> {
    this.#assertOpen();
    if (secret.suite.id !== this.suite.id)
      throw new SFrameError('invalid_argument', 'base key secret is for another suite');
    const key = await secret.deriveFrameKey(kid);
    this.#assertOpen();
    const existing = this.#keys.get(kid);
    if (existing !== undefined && constantTimeEqual(existing.key.salt, key.salt)) {
      key.salt.fill(0);
      return;
    }
    existing?.key.salt.fill(0);
    this.#keys.set(kid, { key, next: 0n });
  }

  hasKey(kid: bigint): boolean {
    return this.#keys.has(kid);
  }

  removeKey(kid: bigint): void {
    this.#keys.get(kid)?.key.salt.fill(0);
    this.#keys.delete(kid);
  }

  protect(kid: bigint, plaintext: Uint8Array, metadata: Uint8Array): Promise<ProtectResult> {
    if (this.#closed) return Promise.resolve({ kind: 'refused', reason: 'closed' });
    const state = this.#keys.get(kid);
    if (state === undefined) return Promise.resolve({ kind: 'refused', reason: 'unknown_kid' });
    const ctr = state.next;
    if (ctr > MAX_UINT64) return Promise.resolve({ kind: 'refused', reason: 'counter_exhausted' });
    // Taken before anything can wait, so concurrent calls never share a CTR.
    state.next = ctr + 1n;
    try {
      const frame = sealFrame(state.key, ctr, metadata, plaintext);
      if (frame instanceof Promise)
        return frame.then((f): ProtectResult => ({ kind: 'ok', frame: f, kid, ctr }));
      return Promise.resolve({ kind: 'ok', frame, kid, ctr });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error('seal failed'));
    }
  }

  /** Idempotent; wipes the salts it holds and refuses every later frame. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const state of this.#keys.values()) state.key.salt.fill(0);
    this.#keys.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new SFrameError('closed', 'SFrame sender is closed');
  }
}

/**
 * Test seam: moves a KID's next counter, so that exhaustion at 2^64 - 1 can be reached. Not
 * exported from the package entry.
 */
export function setNextCounterForTesting(sender: SFrameSender, kid: bigint, next: bigint): void {
  setNextCounter(sender, kid, next);
}
