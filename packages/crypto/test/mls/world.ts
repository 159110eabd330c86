// A simulated deployment for tests: one server (external sender, through the server-safe entry)
// and devices that each run their own authentication service over a shared directory.
import {
  createMlsCrypto,
  generateExternalSender,
  externalSenderInfo,
  proposeExternalAdd,
  proposeExternalRemove,
  type ExternalSenderKeyPair,
  type MemberIdentity,
  type MeetingSuiteKind,
  type MlsCrypto,
  type MlsProviderName,
} from '../../src/server.ts';
import {
  commitPending,
  createAuthenticator,
  createDevice,
  createMeeting,
  createMeetingContext,
  epoch,
  generateKeyPackage,
  groupId,
  InMemoryPinStore,
  joinFromWelcome,
  receiveMessage,
  type DeviceCredential,
  type Directory,
  type DirectoryAnswer,
  type IncomingResult,
  type KeyPackageBundle,
  type MeetingContext,
  type MeetingState,
} from '../../src/member.ts';
import { identityKey } from '../../src/mls/public/identity.ts';

export class TestDirectory implements Directory {
  readonly keys = new Map<string, Uint8Array>();
  readonly banned = new Set<string>();

  register(identity: MemberIdentity, key: Uint8Array): void {
    this.keys.set(identityKey(identity), key);
  }

  forget(identity: MemberIdentity): void {
    this.keys.delete(identityKey(identity));
  }

  lookup(identity: MemberIdentity): DirectoryAnswer {
    const key = this.keys.get(identityKey(identity));
    if (key === undefined) return { kind: 'unknown_device' };
    if (this.banned.has(identity.userId)) return { kind: 'not_admitted' };
    return { kind: 'admitted', signaturePublicKey: key };
  }
}

export interface Participant {
  readonly name: string;
  readonly device: DeviceCredential;
  readonly ctx: MeetingContext;
  readonly pins: InMemoryPinStore;
  state: MeetingState | undefined;
}

export class World {
  readonly directory = new TestDirectory();

  private constructor(
    readonly crypto: MlsCrypto,
    readonly server: ExternalSenderKeyPair,
  ) {}

  static async create(
    provider?: MlsProviderName,
    meetingSuite: MeetingSuiteKind = 'classic',
  ): Promise<World> {
    const crypto = await createMlsCrypto(
      provider === undefined ? { meetingSuite } : { provider, meetingSuite },
    );
    const server = await generateExternalSender(crypto, {
      tenantId: 'acme',
      serverId: 'conclave-1',
    });
    return new World(crypto, server);
  }

  async participant(name: string, options: { register?: boolean } = {}): Promise<Participant> {
    const device = await createDevice(this.crypto, {
      tenantId: 'acme',
      userId: `user-${name}`,
      deviceId: `device-${name}`,
    });
    if (options.register !== false)
      this.directory.register(device.identity, device.keyPair.publicKey);
    const pins = new InMemoryPinStore();
    const ctx = createMeetingContext({
      crypto: this.crypto,
      authenticator: createAuthenticator({ directory: this.directory, pins }),
      server: externalSenderInfo(this.server),
    });
    return { name, device, ctx, pins, state: undefined };
  }

  async keyPackage(p: Participant): Promise<KeyPackageBundle> {
    return generateKeyPackage(this.crypto, p.device);
  }

  async proposeAdd(group: MeetingState, keyPackage: Uint8Array): Promise<Uint8Array> {
    return proposeExternalAdd(
      this.crypto,
      this.server,
      { groupId: groupId(group), epoch: epoch(group) },
      keyPackage,
    );
  }

  async proposeRemove(group: MeetingState, leafIndex: number): Promise<Uint8Array> {
    return proposeExternalRemove(
      this.crypto,
      this.server,
      { groupId: groupId(group), epoch: epoch(group) },
      leafIndex,
    );
  }
}

/** Delivers `message` to every member in `to`, adopting new states; returns the results. */
export async function deliver(
  to: readonly Participant[],
  message: Uint8Array,
): Promise<IncomingResult[]> {
  const results: IncomingResult[] = [];
  for (const p of to) {
    if (p.state === undefined) throw new Error(`${p.name} has no state`);
    const result = await receiveMessage(p.ctx, p.state, message);
    p.state = result.state;
    results.push(result);
  }
  return results;
}

export async function startMeeting(world: World, creator: Participant): Promise<void> {
  creator.state = await createMeeting(creator.ctx, creator.device);
}

/**
 * The server proposes an Add for each joiner, every member processes the proposals, `committer`
 * commits them in one commit, the others process it, and the joiners process the Welcome.
 */
export async function addMembers(
  world: World,
  members: readonly Participant[],
  committer: Participant,
  joiners: readonly Participant[],
): Promise<void> {
  const bundles = await Promise.all(joiners.map((j) => world.keyPackage(j)));
  const group = committer.state;
  if (group === undefined) throw new Error('committer has no state');
  for (const bundle of bundles) {
    const proposal = await world.proposeAdd(group, bundle.publicBytes);
    const results = await deliver(members, proposal);
    for (const r of results)
      if (r.kind !== 'proposal_pending') throw new Error(`proposal not pending: ${r.kind}`);
  }
  const result = await commitPending(committer.ctx, committer.state!);
  if (result.kind !== 'commit' || result.welcome === undefined)
    throw new Error('expected a commit with a Welcome');
  committer.state = result.state;
  const results = await deliver(
    members.filter((m) => m !== committer),
    result.commit,
  );
  for (const r of results)
    if (r.kind !== 'commit_applied') throw new Error(`commit not applied: ${r.kind}`);
  for (const [i, joiner] of joiners.entries()) {
    const joined = await joinFromWelcome(
      joiner.ctx,
      result.welcome,
      joiner.device,
      bundles[i]!.privateBytes,
    );
    if (joined.kind !== 'joined') throw new Error(`join refused: ${joined.reason}`);
    joiner.state = joined.state;
  }
}
