// @conclave/vocabulary: the words every part of Conclave shares — the governance enums and their
// display names, the reason book (every reason code, its title, its sentence and its typed
// details), and how a local time is written. A leaf: it imports nothing, so the wire contract and the apps can use it without
// pulling in the governance engine.
export * from './words.ts';
export * from './names.ts';
export { wallClock } from './wall-clock.ts';
export * from './reasons/codes.ts';
export type {
  CallSide,
  ClientProblem,
  E2eeDemand,
  EligibilityEffect,
  Phase,
  PostQuantumDemand,
  ReasonDetail,
} from './reasons/details.ts';
export { describeReason } from './reasons/messages.ts';
export { describeCause, makeReason } from './reasons/make.ts';
