// Meeting templates (spec §1): per option a value and whether the organizer may change it.
import {
  templateCreateSchema,
  templateListSchema,
  templateReplaceSchema,
  templateResponseSchema,
} from '@conclave/protocol';
import { templateConflicts } from '@conclave/policy';
import type { AppContext } from '../../context.ts';
import { withoutUndefined } from '../../defined.ts';
import type { Route } from '../../http/route.ts';
import type { TemplateRecord } from '../../storage/records.ts';
import { catalogRoutes } from './catalog-routes.ts';

export function templateRoutes(ctx: AppContext): Route[] {
  return catalogRoutes(ctx, {
    noun: 'template',
    plural: 'meeting templates',
    url: '/api/admin/templates',
    schemas: {
      create: templateCreateSchema,
      replace: templateReplaceSchema,
      one: templateResponseSchema,
      many: templateListSchema,
    },
    repo: (store) => store.templates,
    build: (id, body): TemplateRecord => ({
      id,
      name: body.name,
      options: withoutUndefined(body.options),
    }),
    one: (template) => ({ template }),
    many: (templates) => ({ templates }),
    conflicts: (template) => templateConflicts(template),
  });
}
