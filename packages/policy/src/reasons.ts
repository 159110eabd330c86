// The reason book (codes, sentences, typed details) lives in the shared vocabulary, so the wire
// contract, the server's admission and the apps use the same words without this engine. The
// engine's rules describe what happened with these details.
export { describeReason, makeReason } from '@conclave/vocabulary';
export type {
  CallSide,
  ClientProblem,
  E2eeDemand,
  EligibilityEffect,
  Phase,
  PostQuantumDemand,
  ReasonDetail,
} from '@conclave/vocabulary';
