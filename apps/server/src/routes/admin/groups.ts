// Groups and their members (spec §1): group assignments apply to members by rank (§2).
import { randomUUID } from 'node:crypto';
import {
  groupCreateSchema,
  groupListSchema,
  groupMemberAddSchema,
  groupPatchSchema,
  groupResponseSchema,
  okSchema,
} from '@conclave/protocol';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { conflict, notFound } from '../../errors.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { groupView } from '../../http/views.ts';
import type { Store } from '../../storage/store.ts';
import { actorOf } from '../../audit/actor.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });
const memberParams = z.object({
  id: z.string().min(1).max(200),
  userId: z.string().min(1).max(200),
});
const base = '/api/admin/groups';

/** Every member must be a user of the tenant; the first unknown one is named by its path. */
async function checkMembers(
  store: Store,
  tenantId: string,
  members: readonly string[],
  path: string,
) {
  const known = await store.users.existing(tenantId, members);
  const unknown = members.findIndex((id) => !known.has(id));
  if (unknown >= 0) throw notFound('user', `${path}[${unknown}]`);
}

export function groupRoutes(ctx: AppContext): Route[] {
  const { store, audit } = ctx;
  const subject = (id: string) => `group:${id}`;

  async function readGroup(tx: Store, tenantId: string, id: string) {
    const group = await tx.groups.get(tenantId, id);
    if (group === undefined) throw notFound('group');
    return group;
  }

  return [
    route({
      method: 'GET',
      url: base,
      summary: 'List groups and their members',
      access: 'admin',
      response: groupListSchema,
      async handler({ session }) {
        return { groups: (await store.groups.list(session.tenantId)).map(groupView) };
      },
    }),
    route({
      method: 'POST',
      url: base,
      summary: 'Create a group',
      access: 'admin',
      status: 201,
      body: groupCreateSchema,
      response: groupResponseSchema,
      errors: [409],
      async handler({ session, body }) {
        const { tenantId } = session;
        const group = await store.transaction(async (tx) => {
          const id = body.id ?? randomUUID();
          if (await tx.groups.get(tenantId, id))
            throw conflict(`A group with the id '${id}' already exists.`);
          if ((await tx.groups.list(tenantId)).some((g) => g.name === body.name)) {
            throw conflict(`A group named '${body.name}' already exists.`);
          }
          await checkMembers(tx, tenantId, body.members, '$.members');
          await tx.groups.create(tenantId, {
            id,
            name: body.name,
            members: body.members,
            createdAt: ctx.now(),
          });
          const created = await readGroup(tx, tenantId, id);
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'group.created',
              subject: subject(id),
              details: { name: created.name, members: created.members },
            },
            tx,
          );
          return created;
        });
        return { group: groupView(group) };
      },
    }),
    route({
      method: 'GET',
      url: `${base}/:id`,
      summary: 'Read a group',
      access: 'admin',
      params: idParams,
      response: groupResponseSchema,
      async handler({ session, params }) {
        return { group: groupView(await readGroup(store, session.tenantId, params.id)) };
      },
    }),
    route({
      method: 'PATCH',
      url: `${base}/:id`,
      summary: 'Rename a group or replace its member list',
      access: 'admin',
      params: idParams,
      body: groupPatchSchema,
      response: groupResponseSchema,
      errors: [409],
      async handler({ session, params, body }) {
        const { tenantId } = session;
        const group = await store.transaction(async (tx) => {
          const before = await readGroup(tx, tenantId, params.id);
          if (body.name !== undefined && body.name !== before.name) {
            if ((await tx.groups.list(tenantId)).some((g) => g.name === body.name)) {
              throw conflict(`A group named '${body.name}' already exists.`);
            }
            await tx.groups.rename(tenantId, params.id, body.name);
          }
          if (body.members !== undefined) {
            await checkMembers(tx, tenantId, body.members, '$.members');
            await tx.groups.setMembers(tenantId, params.id, body.members);
          }
          const after = await readGroup(tx, tenantId, params.id);
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'group.changed',
              subject: subject(params.id),
              details: {
                ...(after.name === before.name
                  ? {}
                  : { name: { from: before.name, to: after.name } }),
                added: after.members.filter((m) => !before.members.includes(m)),
                removed: before.members.filter((m) => !after.members.includes(m)),
              },
            },
            tx,
          );
          return after;
        });
        return { group: groupView(group) };
      },
    }),
    route({
      method: 'DELETE',
      url: `${base}/:id`,
      summary:
        'Delete a group (and its policy assignments; members fall back to their next policy)',
      access: 'admin',
      params: idParams,
      response: okSchema,
      async handler({ session, params }) {
        const { tenantId } = session;
        await store.transaction(async (tx) => {
          const group = await readGroup(tx, tenantId, params.id);
          await tx.groups.delete(tenantId, params.id);
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'group.deleted',
              subject: subject(params.id),
              details: { name: group.name, members: group.members },
            },
            tx,
          );
        });
        return { ok: true as const };
      },
    }),
    route({
      method: 'POST',
      url: `${base}/:id/members`,
      summary: 'Add a member to a group',
      access: 'admin',
      params: idParams,
      body: groupMemberAddSchema,
      response: groupResponseSchema,
      async handler({ session, params, body }) {
        const { tenantId } = session;
        const group = await store.transaction(async (tx) => {
          await readGroup(tx, tenantId, params.id);
          if ((await tx.users.get(tenantId, body.userId)) === undefined)
            throw notFound('user', '$.userId');
          const added = await tx.groups.addMember(tenantId, params.id, body.userId);
          if (added) {
            await audit.record(
              {
                tenantId,
                actor: actorOf(session.user),
                kind: 'group.member.added',
                subject: subject(params.id),
                details: { user: body.userId },
              },
              tx,
            );
          }
          return readGroup(tx, tenantId, params.id);
        });
        return { group: groupView(group) };
      },
    }),
    route({
      method: 'DELETE',
      url: `${base}/:id/members/:userId`,
      summary: 'Remove a member from a group',
      access: 'admin',
      params: memberParams,
      response: groupResponseSchema,
      async handler({ session, params }) {
        const { tenantId } = session;
        const group = await store.transaction(async (tx) => {
          await readGroup(tx, tenantId, params.id);
          if (!(await tx.groups.removeMember(tenantId, params.id, params.userId)))
            throw notFound('member');
          await audit.record(
            {
              tenantId,
              actor: actorOf(session.user),
              kind: 'group.member.removed',
              subject: subject(params.id),
              details: { user: params.userId },
            },
            tx,
          );
          return readGroup(tx, tenantId, params.id);
        });
        return { group: groupView(group) };
      },
    }),
  ];
}
