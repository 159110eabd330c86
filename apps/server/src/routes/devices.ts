// Devices and the directory clients use to authenticate MLS members (spec e2ee §"identity"):
// each device registers its public signature key; the private key never leaves the device. With
// them, who a meeting or call may contain (./governance/admissions.ts), which members check every
// credential against.
import { randomUUID } from 'node:crypto';
import {
  admissionListSchema,
  deviceCreateSchema,
  deviceListSchema,
  deviceResponseSchema,
  directorySchema,
} from '@conclave/protocol';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { admissionList } from '../governance/admissions.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import { deviceView } from '../http/views.ts';
import { actorOf } from '../audit/actor.ts';
import { SharedReads } from '../http/shared-reads.ts';

type Directory = z.infer<typeof directorySchema>;

export function deviceRoutes(ctx: AppContext): Route[] {
  // Per app: concurrent fetches of one tenant's directory share a read (../http/shared-reads.ts).
  const directoryReads = new SharedReads<Directory>();
  return [
    route({
      method: 'POST',
      url: '/api/devices',
      summary: 'Register one of my devices and its public signature key',
      access: 'user',
      status: 201,
      body: deviceCreateSchema,
      response: deviceResponseSchema,
      async handler({ session, body }) {
        const device = {
          id: randomUUID(),
          userId: session.user.id,
          name: body.name,
          signaturePublicKey: body.signaturePublicKey,
          createdAt: ctx.now(),
        };
        await ctx.store.transaction(async (tx) => {
          await tx.devices.create(session.tenantId, device);
          await ctx.audit.record(
            {
              tenantId: session.tenantId,
              actor: actorOf(session.user),
              kind: 'device.registered',
              subject: `device:${device.id}`,
              details: { user: session.user.id, name: device.name },
            },
            tx,
          );
        });
        return { device: deviceView(device) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/devices',
      summary: 'My devices',
      access: 'user',
      response: deviceListSchema,
      async handler({ session }) {
        const devices = await ctx.store.devices.listForUser(session.tenantId, session.user.id);
        return { devices: devices.map(deviceView) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/directory/users',
      summary: "The users of my organization and their devices' public signature keys",
      access: 'user',
      response: directorySchema,
      handler: ({ session }) =>
        directoryReads.read(session.tenantId, () => readDirectory(ctx, session.tenantId)),
    }),
    route({
      method: 'GET',
      url: '/api/directory/admissions/:id',
      summary:
        'Who a meeting (organizer, invitees, everyone admitted) or a 1:1 call (its two sides) may contain: what members admit MLS credentials against',
      access: 'user',
      params: z.object({ id: z.string().min(1).max(200) }),
      response: admissionListSchema,
      async handler({ session, params }) {
        const list = await admissionList(ctx, session.tenantId, params.id, session.user);
        if (list === undefined) throw notFound('meeting');
        return list;
      },
    }),
  ];
}

/** The tenant's users, each with its devices' public signature keys. */
async function readDirectory(ctx: AppContext, tenantId: string): Promise<Directory> {
  const [users, devices] = await Promise.all([
    ctx.store.users.list(tenantId),
    ctx.store.devices.listForTenant(tenantId),
  ]);
  // Grouped once: every member of a large meeting fetches this, and matching each user against
  // every device was a million comparisons per fetch at 1,000 (the busiest function of a
  // meeting's node in the 1,000-person run).
  const byUser = new Map<string, { id: string; signaturePublicKey: string }[]>();
  for (const device of devices) {
    const view = { id: device.id, signaturePublicKey: device.signaturePublicKey };
    const own = byUser.get(device.userId);
    if (own === undefined) byUser.set(device.userId, [view]);
    else own.push(view);
  }
  return {
    users: users.map((user) => ({
      id: user.id,
      displayName: user.displayName,
      devices: byUser.get(user.id) ?? [],
    })),
  };
}
