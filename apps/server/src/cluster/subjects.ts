// The cluster's NATS subjects. A meeting lives in one room on its host node (./meeting-hosts.ts);
// a participant whose socket is on another node — its gateway — reaches that room through these.
// Signaling is JSON on one subject per node; media is raw bytes on one subject per meeting, heard
// by every node whose relay serves some of its participants.
export const subjects = {
  /** Gateway → host: join requests (request/reply). */
  hostJoin: (host: string) => `conclave.host.${host}.join`,
  /** Gateway → host: a joined participant's signaling (JSON, see ./wire.ts). */
  hostSignal: (host: string) => `conclave.host.${host}.signal`,
  /** Any node → host: the live roster, or taking a user out (request/reply). */
  hostRoster: (host: string) => `conclave.host.${host}.roster`,
  hostRemoveUser: (host: string) => `conclave.host.${host}.remove-user`,
  /** Any node → a node: who waits in its lobby for a meeting (request/reply). */
  nodeLobby: (node: string) => `conclave.node.${node}.lobby`,
  /** Host → gateway: messages for a participant, and its membership (JSON). */
  gatewaySignal: (gateway: string) => `conclave.gateway.${gateway}.signal`,
  /** Every node with participants in the meeting: its media (./media-mesh.ts). */
  meetingMedia: (meeting: string) => `conclave.media.${meeting}`,
  /** Every node: things that happened to sessions, users and meetings (./control-bus.ts). */
  control: 'conclave.control',
  /** Every node: what the sign-in limits counted (./limit-sharing.ts). */
  limits: 'conclave.limits',
} as const;
