// The SDK's call notices on the real server: a socket that joins no meeting hears a call ring for
// its user at once, with who calls and whether it is E2EE; the caller's hears it accepted; a third
// person's hears nothing.
import { describe, expect, it } from 'vitest';
import type { CallNotice } from '../src/index.ts';
import { api, realServerForFile } from './support/real-server.ts';

const world = realServerForFile();

describe('call notices', () => {
  it('ring the callee, tell the caller the answer, and nobody else', async () => {
    const [alice, bob, carol] = await world.people('alice', 'bob', 'carol');
    const heard = new Map<string, CallNotice[]>();
    const listening = [alice!, bob!, carol!].map(async (person) => {
      const notices = person.client.callNotices();
      const list: CallNotice[] = [];
      heard.set(person.name, list);
      notices.events.on('notice', (notice) => list.push(notice));
      await notices.start();
    });
    await Promise.all(listening);

    const { call } = await api<{ call: { id: string } }>(
      world.server,
      alice!.token,
      'POST',
      '/api/calls',
      { callee: bob!.userId },
    );
    await expect.poll(() => heard.get('bob')?.length, { timeout: 5_000 }).toBe(1);
    expect(heard.get('bob')?.[0]).toMatchObject({
      type: 'call-ringing',
      callId: call.id,
      caller: { id: alice!.userId },
      endToEndEncryption: { enabled: false },
    });

    await api(world.server, bob!.token, 'POST', `/api/calls/${call.id}/accept`);
    await expect
      .poll(() => heard.get('alice')?.map((n) => n.type), { timeout: 5_000 })
      .toEqual(['call-accepted']);
    expect(heard.get('carol')).toEqual([]);
  });
});
