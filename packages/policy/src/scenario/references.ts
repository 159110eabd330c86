// Checks that a structurally valid scenario is also coherent: every name it uses is defined,
// ids are unique, each assignment has one target, and ranks are unique per policy type.
import { globalPolicyName } from '../defaults.ts';
import type { ScenarioProblem } from '../types.ts';
import { jsonPath } from './json-path.ts';
import type { PathSegment } from './json-path.ts';
import type { Scenario, ScenarioAssignment, ScenarioComplianceRecording } from './schema.ts';

/** `broken`: sections that failed their own schema; names they define are not checked against. */
export function referenceProblems(
  scenario: Scenario,
  broken: ReadonlySet<string> = new Set(),
): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const report = (path: PathSegment[], message: string): void => {
    problems.push({ path: jsonPath(path), message });
  };

  const users = uniqueIds(scenario.users ?? [], (u) => u.id, 'users', 'id', 'user', report);
  const groups = uniqueIds(scenario.groups ?? [], (g) => g.id, 'groups', 'id', 'group', report);
  const policies = uniqueIds(
    scenario.policies ?? [],
    (p) => p.name,
    'policies',
    'name',
    'policy',
    report,
  );
  policies.set(globalPolicyName, policies.get(globalPolicyName) ?? -1);
  const templates = uniqueIds(
    scenario.templates ?? [],
    (t) => t.id,
    'templates',
    'id',
    'template',
    report,
  );
  const labels = uniqueIds(scenario.labels ?? [], (l) => l.id, 'labels', 'id', 'label', report);
  uniqueIds(scenario.meetings ?? [], (m) => m.id, 'meetings', 'id', 'meeting', report);
  uniqueIds(scenario.calls ?? [], (c) => c.id, 'calls', 'id', 'call', report);

  const known =
    (names: Map<string, number>, kind: string, section: string) =>
    (path: PathSegment[], name: string) => {
      if (!broken.has(section) && !names.has(name)) report(path, `unknown ${kind} '${name}'`);
    };
  const knownUser = known(users, 'user', 'users');
  const knownGroup = known(groups, 'group', 'groups');

  (scenario.users ?? []).forEach((u, i) =>
    (u.groups ?? []).forEach((g, k) => knownGroup(['users', i, 'groups', k], g)),
  );
  (scenario.groups ?? []).forEach((g, i) =>
    (g.members ?? []).forEach((m, k) => knownUser(['groups', i, 'members', k], m)),
  );

  checkAssignments(scenario.assignments ?? [], 'assignments', true, report, knownUser, knownGroup);
  (scenario.assignments ?? []).forEach((a, i) =>
    known(policies, 'encryption policy', 'policies')(['assignments', i, 'policy'], a.policy),
  );
  checkAssignments(
    scenario.complianceRecording ?? [],
    'complianceRecording',
    false,
    report,
    knownUser,
    knownGroup,
  );

  (scenario.meetings ?? []).forEach((m, i) => {
    knownUser(['meetings', i, 'organizer'], m.organizer);
    if (m.template !== undefined)
      known(templates, 'template', 'templates')(['meetings', i, 'template'], m.template);
    if (m.label !== undefined)
      known(labels, 'sensitivity label', 'labels')(['meetings', i, 'label'], m.label);
  });
  // A join's meeting is not checked: joining a meeting that does not exist is a question the
  // scenario may ask, answered with MEETING_NOT_FOUND.
  (scenario.joins ?? []).forEach((j, i) => knownUser(['joins', i, 'user'], j.user));
  (scenario.calls ?? []).forEach((c, i) => {
    knownUser(['calls', i, 'caller'], c.caller);
    knownUser(['calls', i, 'callee'], c.callee);
    if (c.caller === c.callee)
      report(['calls', i, 'callee'], 'a 1:1 call needs two different users');
  });

  return problems;
}

type Report = (path: PathSegment[], message: string) => void;

/** Index of each id's first occurrence; later duplicates are problems. */
function uniqueIds<T>(
  items: readonly T[],
  idOf: (item: T) => string,
  section: string,
  field: string,
  kind: string,
  report: Report,
): Map<string, number> {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const id = idOf(item);
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else
      report(
        [section, i, field],
        `duplicate ${kind} '${id}' (already at ${jsonPath([section, first])})`,
      );
  });
  return seen;
}

function checkAssignments(
  items: readonly (ScenarioAssignment | ScenarioComplianceRecording)[],
  section: 'assignments' | 'complianceRecording',
  rankRequired: boolean,
  report: Report,
  knownUser: (path: PathSegment[], id: string) => void,
  knownGroup: (path: PathSegment[], id: string) => void,
): void {
  const direct = new Map<string, number>();
  const byGroup = new Map<string, number>();
  const byRank = new Map<number, number>();
  let global: number | undefined;

  items.forEach((a, i) => {
    const targets = [a.user, a.group, a.global].filter((t) => t !== undefined).length;
    if (targets !== 1) {
      report(
        [section, i],
        'needs exactly one target: "user", "group" (with "rank") or "global": true',
      );
      return;
    }
    if (a.rank !== undefined && a.group === undefined) {
      report([section, i, 'rank'], 'only a group assignment has a rank');
    }
    if (a.user !== undefined) {
      knownUser([section, i, 'user'], a.user);
      const first = direct.get(a.user);
      if (first === undefined) direct.set(a.user, i);
      else
        report(
          [section, i, 'user'],
          `this user is already assigned directly at ${jsonPath([section, first])}`,
        );
    } else if (a.group !== undefined) {
      knownGroup([section, i, 'group'], a.group);
      const first = byGroup.get(a.group);
      if (first === undefined) byGroup.set(a.group, i);
      else
        report(
          [section, i, 'group'],
          `this group is already assigned at ${jsonPath([section, first])}`,
        );
      if (a.rank === undefined) {
        if (rankRequired)
          report([section, i, 'rank'], 'is required for a group assignment (1 = highest)');
      } else {
        const taken = byRank.get(a.rank);
        if (taken === undefined) byRank.set(a.rank, i);
        else
          report(
            [section, i, 'rank'],
            `rank ${a.rank} is already used by ${jsonPath([section, taken])}; ranks are unique per policy type`,
          );
      }
    } else {
      if (global === undefined) global = i;
      else
        report(
          [section, i, 'global'],
          `the org-wide default is already assigned at ${jsonPath([section, global])}`,
        );
    }
  });
}
