// The admin center's endpoints (role `admin`; the server answers 403 to anyone else).
import { request, segment, withQuery } from './http.ts';
import type {
  Assignment,
  AssignmentCreate,
  AuditEntry,
  CompliancePolicy,
  EffectivePolicy,
  EncryptionPolicy,
  EncryptionPolicyCreate,
  EncryptionPolicyPatch,
  ExplainOutput,
  Group,
  GroupCreate,
  Label,
  LabelCreate,
  LiveExplainAnswer,
  LiveExplainRequest,
  Template,
  TemplateCreate,
  SsoPut,
  SsoSettings,
  Tenant,
  TenantPatch,
  User,
  UserBulkAction,
  UserCreate,
  UserPatch,
} from './types.ts';

const base = '/api/admin';

export const encryptionPolicies = {
  list: async (): Promise<EncryptionPolicy[]> =>
    (await request<{ policies: EncryptionPolicy[] }>('GET', `${base}/encryption-policies`))
      .policies,
  create: async (body: EncryptionPolicyCreate): Promise<void> => {
    await request<unknown>('POST', `${base}/encryption-policies`, body);
  },
  update: async (name: string, body: EncryptionPolicyPatch): Promise<void> => {
    await request<unknown>('PATCH', `${base}/encryption-policies/${segment(name)}`, body);
  },
  remove: async (name: string): Promise<void> => {
    await request<unknown>('DELETE', `${base}/encryption-policies/${segment(name)}`);
  },
};

export const compliancePolicies = {
  list: async (): Promise<CompliancePolicy[]> =>
    (
      await request<{ policies: CompliancePolicy[] }>(
        'GET',
        `${base}/compliance-recording-policies`,
      )
    ).policies,
  create: async (body: { name: string; enabled: boolean }): Promise<void> => {
    await request<unknown>('POST', `${base}/compliance-recording-policies`, body);
  },
  update: async (name: string, body: { enabled: boolean }): Promise<void> => {
    await request<unknown>('PATCH', `${base}/compliance-recording-policies/${segment(name)}`, body);
  },
  remove: async (name: string): Promise<void> => {
    await request<unknown>('DELETE', `${base}/compliance-recording-policies/${segment(name)}`);
  },
};

/** Encryption and compliance recording assignments share one shape and one set of endpoints. */
export interface AssignmentsApi {
  list: () => Promise<Assignment[]>;
  create: (body: AssignmentCreate) => Promise<void>;
  remove: (id: string) => Promise<void>;
}

function assignmentsAt(path: string): AssignmentsApi {
  return {
    list: async () => (await request<{ assignments: Assignment[] }>('GET', path)).assignments,
    create: async (body) => {
      await request<unknown>('POST', path, body);
    },
    remove: async (id) => {
      await request<unknown>('DELETE', `${path}/${segment(id)}`);
    },
  };
}

export const encryptionAssignments = assignmentsAt(`${base}/encryption-policy-assignments`);
export const complianceAssignments = assignmentsAt(`${base}/compliance-recording-assignments`);

export const templates = {
  list: async (): Promise<Template[]> =>
    (await request<{ templates: Template[] }>('GET', `${base}/templates`)).templates,
  create: async (body: TemplateCreate): Promise<void> => {
    await request<unknown>('POST', `${base}/templates`, body);
  },
  replace: async (id: string, body: Omit<TemplateCreate, 'id'>): Promise<void> => {
    await request<unknown>('PUT', `${base}/templates/${segment(id)}`, body);
  },
  remove: async (id: string): Promise<void> => {
    await request<unknown>('DELETE', `${base}/templates/${segment(id)}`);
  },
};

export const labels = {
  list: async (): Promise<Label[]> =>
    (await request<{ labels: Label[] }>('GET', `${base}/labels`)).labels,
  create: async (body: LabelCreate): Promise<void> => {
    await request<unknown>('POST', `${base}/labels`, body);
  },
  replace: async (id: string, body: Omit<LabelCreate, 'id'>): Promise<void> => {
    await request<unknown>('PUT', `${base}/labels/${segment(id)}`, body);
  },
  remove: async (id: string): Promise<void> => {
    await request<unknown>('DELETE', `${base}/labels/${segment(id)}`);
  },
};

export const tenant = {
  get: async (): Promise<Tenant> =>
    (await request<{ tenant: Tenant }>('GET', `${base}/tenant`)).tenant,
  update: async (body: TenantPatch): Promise<Tenant> =>
    (await request<{ tenant: Tenant }>('PATCH', `${base}/tenant`, body)).tenant,
};

export const sso = {
  /** Null when single sign-on is not set up. */
  get: async (): Promise<SsoSettings | null> =>
    (await request<{ sso: SsoSettings | null }>('GET', `${base}/sso`)).sso,
  put: async (body: SsoPut): Promise<SsoSettings | null> =>
    (await request<{ sso: SsoSettings | null }>('PUT', `${base}/sso`, body)).sso,
  remove: async (): Promise<void> => {
    await request<unknown>('DELETE', `${base}/sso`);
  },
};

export const users = {
  list: async (): Promise<User[]> =>
    (await request<{ users: User[] }>('GET', `${base}/users`)).users,
  /** Returns the generated one-time password when none was given; it is shown once. */
  create: async (body: UserCreate): Promise<{ user: User; password?: string }> =>
    request<{ user: User; password?: string }>('POST', `${base}/users`, body),
  update: async (id: string, body: UserPatch): Promise<void> => {
    await request<unknown>('PATCH', `${base}/users/${segment(id)}`, body);
  },
  /** Lifts the sign-in limit failed attempts put on the user (audited). */
  unlock: async (id: string): Promise<void> => {
    await request<unknown>('POST', `${base}/users/${segment(id)}/unlock`);
  },
  remove: async (id: string): Promise<void> => {
    await request<unknown>('DELETE', `${base}/users/${segment(id)}`);
  },
  /** Disables (sessions and meeting connections end at once) or enables the user again. */
  setDisabled: async (id: string, disabled: boolean): Promise<void> => {
    await request<unknown>(
      'POST',
      `${base}/users/${segment(id)}/${disabled ? 'disable' : 'enable'}`,
    );
  },
  /** One action on many users, all or nothing (audited per user). */
  bulk: async (userIds: readonly string[], action: UserBulkAction): Promise<User[]> =>
    (await request<{ users: User[] }>('POST', `${base}/users/bulk`, { userIds, action })).users,
  effectivePolicy: async (id: string): Promise<EffectivePolicy> =>
    request<EffectivePolicy>('GET', `${base}/effective-policy/${segment(id)}`),
};

export const groups = {
  list: async (): Promise<Group[]> =>
    (await request<{ groups: Group[] }>('GET', `${base}/groups`)).groups,
  create: async (body: GroupCreate): Promise<void> => {
    await request<unknown>('POST', `${base}/groups`, body);
  },
  rename: async (id: string, name: string): Promise<void> => {
    await request<unknown>('PATCH', `${base}/groups/${segment(id)}`, { name });
  },
  remove: async (id: string): Promise<void> => {
    await request<unknown>('DELETE', `${base}/groups/${segment(id)}`);
  },
  addMember: async (id: string, userId: string): Promise<void> => {
    await request<unknown>('POST', `${base}/groups/${segment(id)}/members`, { userId });
  },
  removeMember: async (id: string, userId: string): Promise<void> => {
    await request<unknown>('DELETE', `${base}/groups/${segment(id)}/members/${segment(userId)}`);
  },
};

export interface AuditQuery {
  limit?: number;
  /** The id of the oldest entry already shown: the page after it. */
  before?: string;
  /** An exact kind (`meeting.rejected`) or a family (`meeting`). */
  kind?: string;
  /** Entries at or after this time (ISO 8601). */
  from?: string;
  /** Entries before this time (ISO 8601). */
  to?: string;
}

export async function listAudit(query: AuditQuery): Promise<AuditEntry[]> {
  const { limit, before, kind, from, to } = query;
  return (
    await request<{ entries: AuditEntry[] }>(
      'GET',
      withQuery(`${base}/audit`, { limit, before, kind, from, to }),
    )
  ).entries;
}

/** Where the browser downloads the filtered log as a file (the session cookie authorizes it). */
export function auditExportUrl(
  format: 'csv' | 'json',
  query: Pick<AuditQuery, 'kind' | 'from' | 'to'>,
): string {
  return withQuery(`${base}/audit/export`, { format, ...query });
}

/** The what-if over a pasted scenario (§8); an invalid one is an ApiError with `fields`. */
export async function explainScenario(scenario: unknown): Promise<ExplainOutput> {
  return request<ExplainOutput>('POST', `${base}/policy-explain`, { scenario });
}

/** The what-if against the live organization: the decision, and the scenario that was run. */
export async function explainLive(body: LiveExplainRequest): Promise<LiveExplainAnswer> {
  return request<LiveExplainAnswer>('POST', `${base}/policy-explain/live`, body);
}
