// The cluster's NATS subjects. A meeting lives in one room on its host node (./meeting-hosts.ts);
// a participant whose socket is on another node — its gateway — reaches that room through these.
// Signaling is JSON on one subject per node; media is raw bytes on a subject naming the
// connection, so a frame is forwarded without being parsed or copied into JSON.
export const subjects = {
  /** Gateway → host: join requests (request/reply). */
  hostJoin: (host: string) => `conclave.host.${host}.join`,
  /** Gateway → host: a joined participant's signaling (JSON, see ./wire.ts). */
  hostSignal: (host: string) => `conclave.host.${host}.signal`,
  /** Gateway → host: a participant's media for the relay. */
  hostMedia: (host: string, gateway: string, conn: string) =>
    `conclave.host.${host}.media.${gateway}.${conn}`,
  hostMediaAll: (host: string) => `conclave.host.${host}.media.*.*`,
  /** Any node → host: the live roster, or taking a user out (request/reply). */
  hostRoster: (host: string) => `conclave.host.${host}.roster`,
  hostRemoveUser: (host: string) => `conclave.host.${host}.remove-user`,
  /** Host → gateway: messages for a participant, and its membership (JSON). */
  gatewaySignal: (gateway: string) => `conclave.gateway.${gateway}.signal`,
  /** Host → gateway: a frame once, with the connections it is for (./fanout.ts). */
  gatewayFanout: (gateway: string) => `conclave.gateway.${gateway}.fanout`,
  /** Every node: things that happened to sessions, users and meetings (./control-bus.ts). */
  control: 'conclave.control',
  /** Every node: what the sign-in limits counted (./limit-sharing.ts). */
  limits: 'conclave.limits',
} as const;

/** The last `count` tokens of a subject (the ids a media subject ends with). */
export function lastTokens(subject: string, count: number): string[] {
  return subject.split('.').slice(-count);
}
