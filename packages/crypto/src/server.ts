// @conclave/crypto/server — the server-safe entry: what an MLS external sender and a media relay
// need (its own signing key, external Add/Remove proposals, public message headers, KeyPackage
// checks, identities, SFrame under a standard meeting's server-held key), and nothing that holds
// group state, processes a Welcome or uses the exporter (test/mls/import-graph.test.ts).
export * from './mls/public/index.ts';
export * from './sframe/index.ts';
