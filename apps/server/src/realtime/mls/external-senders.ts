// The server's external-sender key: one per tenant (its MLS identity names the tenant), made the
// first time a tenant's E2EE meeting needs it and stored, so every group of the tenant, across
// restarts, names the same key. The private key signs Add/Remove proposals and nothing else; the
// database holds it only sealed under the server's secret key (secrets/at-rest.ts).
import {
  exportExternalSender,
  generateExternalSender,
  importExternalSender,
  type ExternalSenderKeyPair,
  type MlsCrypto,
} from '@conclave/crypto/server';
import type { ExternalSenderVault } from '../../secrets/at-rest.ts';
import type { Store } from '../../storage/store.ts';

/** The `serverId` in the server's MLS identity. */
export const SERVER_ID = 'conclave';

export class ExternalSenders {
  private readonly cache = new Map<string, Promise<ExternalSenderKeyPair>>();

  constructor(
    private readonly crypto: MlsCrypto,
    private readonly store: Store,
    private readonly now: () => number,
    private readonly vault: ExternalSenderVault,
  ) {}

  forTenant(tenantId: string): Promise<ExternalSenderKeyPair> {
    let pair = this.cache.get(tenantId);
    if (pair === undefined) {
      pair = this.loadOrCreate(tenantId);
      this.cache.set(tenantId, pair);
      // A failed load (database down) is retried next time rather than cached.
      pair.catch(() => this.cache.delete(tenantId));
    }
    return pair;
  }

  private async loadOrCreate(tenantId: string): Promise<ExternalSenderKeyPair> {
    const stored = await this.store.realtime.externalSender(tenantId);
    if (stored !== undefined) return this.decode(tenantId, stored);
    const fresh = await generateExternalSender(this.crypto, { tenantId, serverId: SERVER_ID });
    const exported = exportExternalSender(fresh);
    const sealed = this.vault.seal(tenantId, exported);
    exported.fill(0);
    if (await this.store.realtime.saveExternalSender(tenantId, sealed, this.now())) {
      return fresh;
    }
    // Another process stored one first: everyone uses that one.
    const winner = await this.store.realtime.externalSender(tenantId);
    if (winner === undefined) throw new Error('external-sender key vanished');
    return this.decode(tenantId, winner);
  }

  private async decode(tenantId: string, stored: string): Promise<ExternalSenderKeyPair> {
    const bytes = this.vault.open(tenantId, stored);
    try {
      // The pair keeps views into what it is given: give it a copy, wipe the opened bytes.
      return await importExternalSender(this.crypto, Uint8Array.from(bytes));
    } finally {
      bytes.fill(0);
    }
  }
}
