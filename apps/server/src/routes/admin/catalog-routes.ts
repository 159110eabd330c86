// Admin CRUD shared by meeting templates and sensitivity labels: the same five routes, ids an
// admin may choose, names unique in the tenant (two labels both called "Confidential" cannot be
// told apart in a picker), and no deletion while a meeting that has not ended uses the object (it
// would lose the rule that decided its encryption).
import { randomUUID } from 'node:crypto';
import { okSchema } from '@conclave/protocol';
import type { Reason } from '@conclave/policy';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { conflict, notFound, ServerError } from '../../errors.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import type { Store } from '../../storage/store.ts';
import { changeRecorder } from './admin-audit.ts';

export interface CatalogRepo<Item extends { id: string; name: string }> {
  list(tenantId: string): Promise<Item[]>;
  get(tenantId: string, id: string): Promise<Item | undefined>;
  create(tenantId: string, item: Item, now: number): Promise<void>;
  replace(tenantId: string, item: Item): Promise<boolean>;
  delete(tenantId: string, id: string): Promise<boolean>;
}

export interface CatalogKind<
  Item extends { id: string; name: string },
  Create extends z.ZodType<{ id?: string | undefined }>,
  Replace extends z.ZodType,
  One extends z.ZodType,
  Many extends z.ZodType,
> {
  /** `template`: in messages, audit kinds and subjects. */
  noun: 'template' | 'label';
  /** `meeting templates`: in the docs. */
  plural: string;
  url: string;
  schemas: { create: Create; replace: Replace; one: One; many: Many };
  repo(store: Store): CatalogRepo<Item>;
  /** The stored object for an id and a create or replace body. */
  build(id: string, body: z.output<Create> | z.output<Replace>): Item;
  one(item: Item): z.input<One>;
  many(items: Item[]): z.input<Many>;
  /** Why this object cannot be stored: a sentence and a reason per problem (undefined: it can). */
  conflicts?(item: Item): { message: string; reasons: Reason[] } | undefined;
}

const idParams = z.object({ id: z.string().min(1).max(200) });

export function catalogRoutes<
  Item extends { id: string; name: string },
  Create extends z.ZodType<{ id?: string | undefined }>,
  Replace extends z.ZodType,
  One extends z.ZodType,
  Many extends z.ZodType,
>(ctx: AppContext, kind: CatalogKind<Item, Create, Replace, One, Many>): Route[] {
  const { store, audit } = ctx;
  const { noun } = kind;
  const singular = kind.plural.replace(/s$/, '');
  const record = changeRecorder(audit, noun);

  /** Refuses an object another of the tenant's already names, or one its kind cannot hold. */
  async function check(repo: CatalogRepo<Item>, tenantId: string, item: Item): Promise<void> {
    const refused = kind.conflicts?.(item);
    if (refused !== undefined) {
      throw new ServerError('CONFLICT', refused.message, { reasons: refused.reasons });
    }
    const name = comparableName(item.name);
    const namesake = (await repo.list(tenantId)).find(
      (other) => other.id !== item.id && comparableName(other.name) === name,
    );
    if (namesake !== undefined)
      throw conflict(`A ${noun} named '${namesake.name}' already exists; choose another name.`);
  }

  return [
    route({
      method: 'GET',
      url: kind.url,
      summary: `List ${kind.plural}`,
      access: 'admin',
      response: kind.schemas.many,
      async handler({ session }) {
        return kind.many(await kind.repo(store).list(session.tenantId));
      },
    }),
    route({
      method: 'POST',
      url: kind.url,
      summary: `Create a ${singular} (give an id, or one is generated)`,
      access: 'admin',
      status: 201,
      body: kind.schemas.create,
      response: kind.schemas.one,
      errors: [409],
      async handler({ session, body }) {
        const item = kind.build(body.id ?? randomUUID(), body);
        await store.transaction(async (tx) => {
          if (await kind.repo(tx).get(session.tenantId, item.id)) {
            throw conflict(`A ${noun} with the id '${item.id}' already exists.`);
          }
          await check(kind.repo(tx), session.tenantId, item);
          await kind.repo(tx).create(session.tenantId, item, ctx.now());
          await record(session, tx, 'created', item.id, { [noun]: item });
        });
        return kind.one(item);
      },
    }),
    route({
      method: 'GET',
      url: `${kind.url}/:id`,
      summary: `Read a ${singular}`,
      access: 'admin',
      params: idParams,
      response: kind.schemas.one,
      async handler({ session, params }) {
        const item = await kind.repo(store).get(session.tenantId, params.id);
        if (item === undefined) throw notFound(noun);
        return kind.one(item);
      },
    }),
    route({
      method: 'PUT',
      url: `${kind.url}/:id`,
      summary: `Replace a ${singular} (meetings scheduled or started afterwards follow it)`,
      access: 'admin',
      params: idParams,
      body: kind.schemas.replace,
      response: kind.schemas.one,
      errors: [409],
      async handler({ session, params, body }) {
        const item = kind.build(params.id, body);
        await store.transaction(async (tx) => {
          const before = await kind.repo(tx).get(session.tenantId, params.id);
          if (before === undefined) throw notFound(noun);
          await check(kind.repo(tx), session.tenantId, item);
          await kind.repo(tx).replace(session.tenantId, item);
          await record(session, tx, 'changed', item.id, { before, after: item });
        });
        return kind.one(item);
      },
    }),
    route({
      method: 'DELETE',
      url: `${kind.url}/:id`,
      summary: `Delete a ${singular} no scheduled or running meeting uses`,
      access: 'admin',
      params: idParams,
      response: okSchema,
      errors: [409],
      async handler({ session, params }) {
        await store.transaction(async (tx) => {
          const item = await kind.repo(tx).get(session.tenantId, params.id);
          if (item === undefined) throw notFound(noun);
          const usage = noun === 'template' ? { template: params.id } : { label: params.id };
          const inUse = await tx.meetings.countActiveUsing(session.tenantId, usage);
          if (inUse > 0)
            throw conflict(`The ${noun} is used by ${inUse} meeting(s) that have not ended.`);
          await kind.repo(tx).delete(session.tenantId, params.id);
          await record(session, tx, 'deleted', params.id, { [noun]: item });
        });
        return { ok: true as const };
      },
    }),
  ];
}

/** Names compared as people read them: case and spacing ignored. */
function comparableName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLocaleLowerCase('en');
}
