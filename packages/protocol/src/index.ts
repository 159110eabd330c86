// @conclave/protocol: the wire contract between the server and its clients (CLI, web, SDK).
// REST request and response schemas validate at the edge and type both sides; the server
// generates its OpenAPI document from these same schemas.
export * from './errors.ts';
export * from './csp.ts';
export * from './text.ts';
export * from './governance.ts';
export * from './rest/common.ts';
export * from './rest/auth.ts';
export * from './rest/sso.ts';
export * from './rest/devices.ts';
export * from './rest/admissions.ts';
export * from './rest/policies.ts';
export * from './rest/catalog.ts';
export * from './rest/organization.ts';
export * from './rest/audit.ts';
export * from './rest/meetings.ts';
export * from './rest/meeting-times.ts';
export * from './rest/calls.ts';
export * from './rest/live-roster.ts';
export * from './media/index.ts';
export * from './signaling/messages.ts';
export * from './signaling/parse.ts';
export * from './signaling/call-notices.ts';
