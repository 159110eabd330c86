// @conclave/policy: the pure governance engine (../shared/spec/governance.md). Facts in, a
// decision with reasons out; no I/O, no clock, no randomness. The server and `conclave policy
// explain` call the same functions, so there is one rule book.
export * from './types.ts';
export {
  builtInGlobalPolicy,
  defaultTenantE2eeSettings,
  alwaysBlockedPlatforms,
} from './defaults.ts';
export { resolveEffectivePolicy, isUnderComplianceRecording } from './resolve.ts';
export { checkE2eeEligibility } from './eligibility.ts';
export { decideSchedule, postQuantumDemand } from './rules.ts';
export { decideOptionsChange, decideStart } from './lifecycle.ts';
export { decideJoin } from './join.ts';
export { templateConflicts } from './templates.ts';
export { decideCall } from './call.ts';
export { describeReason, makeReason } from './reasons.ts';
export type {
  CallSide,
  ClientProblem,
  E2eeDemand,
  EligibilityEffect,
  Phase,
  ReasonDetail,
} from './reasons.ts';
export { optionNames, platformNames, meetingTypeNames, settingNames } from './display.ts';
export { compareVersions, parseVersion, meetsMinimum } from './semver.ts';
export type { Version } from './semver.ts';
export { explainScenario, parseScenarioJson } from './scenario/explain.ts';
export { scenarioOf } from './scenario/from-facts.ts';
export type { Scenario } from './scenario/schema.ts';
