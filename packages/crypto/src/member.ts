// @conclave/crypto/member — what a client (browser, CLI, SDK) uses for an E2EE meeting: the MLS
// member side, identities, the epoch key ring and SFrame. The server imports ./server instead.
export * from './mls/public/index.ts';
export * from './mls/member/index.ts';
export * from './keys/index.ts';
export * from './sframe/index.ts';
