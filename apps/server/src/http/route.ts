// One route = one definition: method, URL, who may call it, the zod schemas of its inputs and
// output, and the handler. The same definitions register the Fastify routes, validate every
// request, and generate /openapi.json, so the docs cannot drift from what is enforced.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { UserRecord } from '../storage/records.ts';
import { parseInput } from './validation.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** `public`: anyone; `user`: any signed-in user; `admin`: a signed-in admin of the tenant. */
export type Access = 'public' | 'user' | 'admin';

export interface Session {
  tenantId: string;
  user: UserRecord;
  tokenHash: string;
}

export interface RouteInput<A extends Access, B, P, Q> {
  body: B;
  params: P;
  query: Q;
  session: A extends 'public' ? Session | undefined : Session;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteDefinition<
  A extends Access,
  B extends z.ZodType,
  P extends z.ZodType,
  Q extends z.ZodType,
  R extends z.ZodType,
> {
  method: HttpMethod;
  url: string;
  summary: string;
  access: A;
  /** Success status; 200 unless given. */
  status?: number;
  body?: B;
  params?: P;
  query?: Q;
  response: R;
  /** Failure statuses particular to this route (409 …), for the docs. */
  errors?: number[];
  /** The largest body this route takes, in bytes; the app's 64 KiB unless given. */
  bodyLimit?: number;
  /**
   * Callable by a user whose password is one-time (reading who they are, changing it, signing
   * out); every other route answers them PASSWORD_CHANGE_REQUIRED.
   */
  beforePasswordChange?: true;
  handler(input: RouteInput<A, z.output<B>, z.output<P>, z.output<Q>>): Promise<z.input<R>>;
}

/** A route with its types erased, as the app and the OpenAPI generator see it. */
export interface Route {
  method: HttpMethod;
  url: string;
  summary: string;
  access: Access;
  status: number;
  schemas: { body?: z.ZodType; params?: z.ZodType; query?: z.ZodType; response: z.ZodType };
  errors: number[];
  bodyLimit?: number;
  beforePasswordChange: boolean;
  handle(
    request: FastifyRequest,
    reply: FastifyReply,
    session: Session | undefined,
  ): Promise<unknown>;
}

export function route<
  A extends Access,
  B extends z.ZodType = z.ZodUnknown,
  P extends z.ZodType = z.ZodUnknown,
  Q extends z.ZodType = z.ZodUnknown,
  R extends z.ZodType = z.ZodUnknown,
>(definition: RouteDefinition<A, B, P, Q, R>): Route {
  const { body, params, query } = definition;
  return {
    method: definition.method,
    url: definition.url,
    summary: definition.summary,
    access: definition.access,
    status: definition.status ?? 200,
    schemas: {
      ...(body === undefined ? {} : { body }),
      ...(params === undefined ? {} : { params }),
      ...(query === undefined ? {} : { query }),
      response: definition.response,
    },
    errors: definition.errors ?? [],
    ...(definition.bodyLimit === undefined ? {} : { bodyLimit: definition.bodyLimit }),
    beforePasswordChange: definition.beforePasswordChange === true,
    handle: (request, reply, session) =>
      definition.handler({
        body: (body === undefined
          ? undefined
          : parseInput(body, request.body, 'body')) as z.output<B>,
        params: (params === undefined
          ? undefined
          : parseInput(params, request.params, 'params')) as z.output<P>,
        query: (query === undefined
          ? undefined
          : parseInput(query, request.query, 'query')) as z.output<Q>,
        // The app checked access before calling: a non-public route always has a session.
        session: session as RouteInput<A, unknown, unknown, unknown>['session'],
        request,
        reply,
      }),
  };
}
