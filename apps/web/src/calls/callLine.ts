// The app's line for calls, outside React: one authenticated socket kept open app-wide while
// someone is signed in (the SDK's CallNotices, joined to no meeting), so a call rings on whatever
// page they are. It holds the calls ringing for them now and hands every notice to the pages that
// watch a call (the caller's page waits for accepted, declined or missed). The SDK is loaded
// lazily, as the room loads it: the pages that never ring pay nothing up front.
import type { CallNotices, ConclaveClient } from '@conclave/client';
import type { CallNotice } from '../api/types.ts';
import { webClientInfo } from '../room/capabilities.ts';

export interface RingingCall {
  readonly callId: string;
  readonly callerName: string;
  readonly e2ee: boolean;
  /** Why it is not end-to-end encrypted (empty when it is). */
  readonly reasons: Extract<CallNotice, { type: 'call-ringing' }>['reasons'];
  /** When it stops ringing here even if the missed notice never arrives (ms). */
  readonly until: number;
}

export interface CallLineSnapshot {
  readonly ringing: readonly RingingCall[];
}

/** A notice about a call the page watches. */
export type NoticeListener = (notice: CallNotice) => void;

export class CallLine {
  #snapshot: CallLineSnapshot = { ringing: [] };
  readonly #listeners = new Set<() => void>();
  readonly #watchers = new Set<NoticeListener>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #client: ConclaveClient | undefined;
  #notices: CallNotices | undefined;
  #closed = false;

  constructor(private readonly userId: string) {}

  /** Opens the socket; a failure leaves the app working, only without ringing. */
  async start(): Promise<void> {
    try {
      const [{ ConclaveClient }, { IndexedDbStore, oneDeviceAtATime }] = await Promise.all([
        import('@conclave/client'),
        import('../room/deviceStore.ts'),
      ]);
      if (this.#closed) return;
      const client = await oneDeviceAtATime(() =>
        ConclaveClient.connect({
          server: location.origin,
          auth: { cookie: true },
          store: new IndexedDbStore(this.userId),
          deviceName: `Web browser (${navigator.platform || 'unknown system'})`,
          clientInfo: webClientInfo(),
        }),
      );
      if (this.#closed) return client.close();
      this.#client = client;
      const notices = client.callNotices();
      this.#notices = notices;
      notices.events.on('notice', (notice) => this.#hear(notice));
      // Whether this tab will ring, on the page for anyone who looks (support, the browser tests).
      notices.events.on('connected', () => (document.body.dataset['callLine'] = 'connected'));
      notices.events.on('lost', () => delete document.body.dataset['callLine']);
      await notices.start();
    } catch {
      // No socket: calls still work from the Calls page, they just do not ring here.
    }
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  snapshot = (): CallLineSnapshot => this.#snapshot;

  /** Every notice from now on, until the returned function is called. */
  watch(listener: NoticeListener): () => void {
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }

  /** Stops ringing for this call here (answered, declined, or the page went to it). */
  dismiss(callId: string): void {
    clearTimeout(this.#timers.get(callId));
    this.#timers.delete(callId);
    const ringing = this.#snapshot.ringing.filter((call) => call.callId !== callId);
    if (ringing.length !== this.#snapshot.ringing.length) this.#set({ ringing });
  }

  /** Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    delete document.body.dataset['callLine'];
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#notices?.close();
    this.#client?.close();
  }

  #hear(notice: CallNotice): void {
    if (notice.type === 'call-ringing') {
      const until = Date.parse(notice.ringDeadline);
      const call: RingingCall = {
        callId: notice.callId,
        callerName: notice.caller.displayName,
        e2ee: notice.endToEndEncryption.enabled,
        reasons: notice.reasons,
        until,
      };
      this.dismiss(call.callId);
      this.#timers.set(
        call.callId,
        setTimeout(() => this.dismiss(call.callId), Math.max(0, until - Date.now()) + 1_000),
      );
      this.#set({ ringing: [...this.#snapshot.ringing, call] });
    } else {
      this.dismiss(notice.callId);
    }
    for (const watcher of [...this.#watchers]) watcher(notice);
  }

  #set(snapshot: CallLineSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of [...this.#listeners]) listener();
  }
}
