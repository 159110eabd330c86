// Sensitivity labels (spec §1): a label that applies E2EE forces it on for meetings that carry it.
import {
  labelCreateSchema,
  labelListSchema,
  labelReplaceSchema,
  labelResponseSchema,
} from '@conclave/protocol';
import type { AppContext } from '../../context.ts';
import { withoutUndefined } from '../../defined.ts';
import type { Route } from '../../http/route.ts';
import type { LabelRecord } from '../../storage/records.ts';
import { catalogRoutes } from './catalog-routes.ts';

export function labelRoutes(ctx: AppContext): Route[] {
  return catalogRoutes(ctx, {
    noun: 'label',
    plural: 'sensitivity labels',
    url: '/api/admin/labels',
    schemas: {
      create: labelCreateSchema,
      replace: labelReplaceSchema,
      one: labelResponseSchema,
      many: labelListSchema,
    },
    repo: (store) => store.labels,
    build: (id, body): LabelRecord => ({
      id,
      name: body.name,
      meeting: withoutUndefined(body.meeting),
    }),
    one: (label) => ({ label }),
    many: (labels) => ({ labels }),
  });
}
