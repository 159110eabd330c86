// Welcomes are processed by the adapter's copy of ts-mls 1.6.4's join (src/mls/member/join/),
// which runs the library's checks but hashes each subtree once instead of once per leaf. These
// tests hold it to the library on a churned group (filled parent paths, unmerged leaves, blanks):
// the version it mirrors, the same state as the library's joinGroup, refusal of forged Welcomes
// (re-signed by the real committer, so only the check under test can refuse them) with the
// library's own error, the library's answer on every single-node tampering of the tree, and the
// bounded number of hashes that makes it fast.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyPskIndex, joinGroup as libraryJoinGroup, type Hash, type RatchetTree } from 'ts-mls';
import { encodeGroupState } from 'ts-mls/clientState.js';
import { signLeafNodeCommit } from 'ts-mls/leafNode.js';
import { verifyParentHashes as libraryVerifyParentHashes } from 'ts-mls/parentHash.js';
import {
  treeHash as libraryTreeHash,
  treeHashRoot as libraryTreeHashRoot,
} from 'ts-mls/treeHash.js';
import { isLeaf, leafWidth, toNodeIndex, type NodeIndex } from 'ts-mls/treemath.js';
import {
  commitPending,
  commitUpdate,
  joinFromWelcome,
  MlsError,
  securityCode,
  type KeyPackageBundle,
} from '../../src/member.ts';
import { AuthLog } from '../../src/mls/member/auth.ts';
import { joinGroup } from '../../src/mls/member/join/joinGroup.ts';
import { verifyParentHashes } from '../../src/mls/member/join/parentHashes.ts';
import { TreeHashes } from '../../src/mls/member/join/treeHashes.ts';
import { openKeyPackageBundle } from '../../src/mls/member/keyPackages.ts';
import { clientConfig } from '../../src/mls/member/state.ts';
import { decodeMessage } from '../../src/mls/member/incoming.ts';
import { addMembers, deliver, startMeeting, World, type Participant } from './world.ts';
import { openWelcome, sealWelcome, treeOf, type OpenedWelcome } from './welcome-forgery.ts';

const MIRRORED_VERSION = '1.6.4';
const MEMBERS = 17;

let world: World;
let host: Participant;
let joiner: Participant;
let joinerBundle: KeyPackageBundle;
let welcome: Uint8Array;
let opened: OpenedWelcome;
/** The members' security code in the epoch `welcome` leads into. */
let codeAtWelcome: string;
/** A later Welcome adding two members at once, which ts-mls 1.6.4 itself refuses (see below). */
let batchWelcome: { bytes: Uint8Array; joiner: Participant; bundle: KeyPackageBundle };

/**
 * 17 members joined in one batch (a 32-leaf tree); two members update (filling their paths), the
 * host removes two (blanking leaves and paths), then a late joiner is added by a commit without a
 * path, so the non-blank parents above it list it as an unmerged leaf. That Welcome is the one
 * under test. Two more joiners added by one commit give `batchWelcome`.
 */
beforeAll(async () => {
  world = await World.create();
  const people = await Promise.all(
    Array.from({ length: MEMBERS }, (_, i) => world.participant(`p${i}`)),
  );
  host = people[0]!;
  await startMeeting(world, host);
  await addMembers(world, [host], host, people.slice(1));
  let active = [...people];
  const commitBy = async (
    committer: Participant,
    result: Awaited<ReturnType<typeof commitUpdate>>,
  ): Promise<Uint8Array | undefined> => {
    if (result.kind !== 'commit') throw new Error('expected a commit');
    committer.state = result.state;
    await deliver(
      active.filter((p) => p !== committer),
      result.commit,
    );
    active = active.filter((p) => p.state?.kind === 'active');
    return result.welcome;
  };
  // Removes come from the server (external sender) only; the host commits them.
  const serverRemoves = async (leaf: number): Promise<void> => {
    await deliver(active, await world.proposeRemove(host.state!, leaf));
    await commitBy(host, await commitPending(host.ctx, host.state!));
  };
  await commitBy(people[1]!, await commitUpdate(people[1]!.ctx, people[1]!.state!));
  await serverRemoves(6);
  await commitBy(people[2]!, await commitUpdate(people[2]!.ctx, people[2]!.state!));
  await serverRemoves(11);

  const addLate = async (
    names: string[],
  ): Promise<{ bytes: Uint8Array; joiners: Participant[]; bundles: KeyPackageBundle[] }> => {
    const joiners = await Promise.all(names.map((name) => world.participant(name)));
    const bundles = await Promise.all(joiners.map((p) => world.keyPackage(p)));
    for (const bundle of bundles) {
      const proposal = await world.proposeAdd(host.state!, bundle.publicBytes);
      for (const r of await deliver(active, proposal))
        if (r.kind !== 'proposal_pending') throw new Error(`proposal ${r.kind}`);
    }
    const bytes = await commitBy(host, await commitPending(host.ctx, host.state!));
    if (bytes === undefined) throw new Error('expected a Welcome');
    return { bytes, joiners, bundles };
  };
  const single = await addLate(['late']);
  welcome = single.bytes;
  joiner = single.joiners[0]!;
  joinerBundle = single.bundles[0]!;
  codeAtWelcome = securityCode(host.state!);
  const batch = await addLate(['batch0', 'batch1']);
  batchWelcome = { bytes: batch.bytes, joiner: batch.joiners[1]!, bundle: batch.bundles[1]! };
  const { keyPackage, privatePackage } = openKeyPackageBundle(
    joinerBundle.privateBytes,
    joiner.device,
  );
  opened = await openWelcome(world.crypto.impl, welcome, keyPackage, privatePackage.initPrivateKey);
}, 60_000);

const hostSigningKey = (): Uint8Array => host.device.keyPair.privateKey;

/** 'ok' or the library error's class and message: what a caller could observe. */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    const value = await run();
    return typeof value === 'boolean' ? String(value) : 'ok';
  } catch (error) {
    return error instanceof Error ? `${error.constructor.name}: ${error.message}` : 'thrown';
  }
}

/** The adapter's join and the library's, on the same Welcome and configuration. */
async function bothJoins(
  bytes: Uint8Array,
  who: { joiner: Participant; bundle: KeyPackageBundle } = { joiner, bundle: joinerBundle },
): Promise<{ ours: string; library: string }> {
  const message = decodeMessage(bytes);
  if (message.wireformat !== 'mls_welcome') throw new Error('not a Welcome');
  const { keyPackage, privatePackage } = openKeyPackageBundle(
    who.bundle.privateBytes,
    who.joiner.device,
  );
  const config = clientConfig(who.joiner.ctx, new AuthLog());
  const cs = world.crypto.impl;
  return {
    ours: await outcome(() =>
      joinGroup(message.welcome, keyPackage, privatePackage, emptyPskIndex, cs, config),
    ),
    library: await outcome(() =>
      libraryJoinGroup(
        message.welcome,
        keyPackage,
        privatePackage,
        emptyPskIndex,
        cs,
        undefined,
        undefined,
        config,
      ),
    ),
  };
}

function flip(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) return Uint8Array.of(1);
  const copy = bytes.slice();
  copy[0] = copy[0]! ^ 0x01;
  return copy;
}

async function freshHpkeKey(): Promise<Uint8Array> {
  const { hpke } = world.crypto.impl;
  return hpke.exportPublicKey((await hpke.generateKeyPair()).publicKey);
}

const parentIndexes = (tree: RatchetTree): NodeIndex[] =>
  [...tree.keys()].filter((i) => tree[i]?.nodeType === 'parent').map(toNodeIndex);

describe('Welcome processing mirrors ts-mls joinGroup', () => {
  it(`is a copy of ts-mls ${MIRRORED_VERSION}, the version installed`, () => {
    const manifest = JSON.parse(
      readFileSync(
        new URL('../../../../node_modules/ts-mls/package.json', import.meta.url),
        'utf8',
      ),
    ) as { version: string };
    expect(manifest.version).toBe(MIRRORED_VERSION);
  });

  it('the churned tree has what makes parent hashes expensive: filled paths, unmerged leaves, blanks', () => {
    const tree = treeOf(opened);
    const parents = parentIndexes(tree).map((i) => tree[i]);
    expect(parents.length).toBeGreaterThanOrEqual(4);
    expect(
      parents.some((p) => p?.nodeType === 'parent' && p.parent.unmergedLeaves.length > 0),
    ).toBe(true);
    expect(leafWidth(tree.length)).toBe(32);
    const commitLeaves = tree.filter(
      (n) => n?.nodeType === 'leaf' && n.leaf.leafNodeSource === 'commit',
    );
    expect(commitLeaves.length).toBe(3);
  });

  it('joins the churned group with exactly the state the library produces', async () => {
    const message = decodeMessage(welcome);
    if (message.wireformat !== 'mls_welcome') throw new Error('not a Welcome');
    const { keyPackage, privatePackage } = openKeyPackageBundle(
      joinerBundle.privateBytes,
      joiner.device,
    );
    const config = clientConfig(joiner.ctx, new AuthLog());
    const cs = world.crypto.impl;
    const ours = await joinGroup(
      message.welcome,
      keyPackage,
      privatePackage,
      emptyPskIndex,
      cs,
      config,
    );
    const library = await libraryJoinGroup(
      message.welcome,
      keyPackage,
      privatePackage,
      emptyPskIndex,
      cs,
      undefined,
      undefined,
      config,
    );
    expect(Buffer.from(encodeGroupState(ours)).toString('hex')).toBe(
      Buffer.from(encodeGroupState(library)).toString('hex'),
    );

    const joined = await joinFromWelcome(
      joiner.ctx,
      welcome,
      joiner.device,
      joinerBundle.privateBytes,
    );
    if (joined.kind !== 'joined') throw new Error(`join refused: ${joined.reason}`);
    expect(securityCode(joined.state)).toBe(codeAtWelcome);
  });

  it('accepts a re-sealed but unchanged Welcome, so the forgeries below fail only for their change', async () => {
    const bytes = await sealWelcome(world.crypto.impl, opened, hostSigningKey());
    expect(await bothJoins(bytes)).toEqual({ ours: 'ok', library: 'ok' });
    const joined = await joinFromWelcome(
      joiner.ctx,
      bytes,
      joiner.device,
      joinerBundle.privateBytes,
    );
    expect(joined.kind).toBe('joined');
  });

  const forgeries: {
    name: string;
    expected: string;
    forge: (tree: RatchetTree) => Promise<Parameters<typeof sealWelcome>[3]>;
  }[] = [
    {
      name: "the root's HPKE key is replaced by the committer's own",
      expected: 'CryptoVerificationError: Unable to verify parent hash',
      forge: async (tree) => {
        const rootIndex = (tree.length - 1) / 2;
        const root = tree[rootIndex];
        if (root?.nodeType !== 'parent') throw new Error('blank root');
        tree[rootIndex] = {
          ...root,
          parent: { ...root.parent, hpkePublicKey: await freshHpkeKey() },
        };
        return { tree };
      },
    },
    {
      name: "an inner parent node's parent hash is altered",
      expected: 'CryptoVerificationError: Unable to verify parent hash',
      forge: (tree) => {
        const rootIndex = (tree.length - 1) / 2;
        const index = parentIndexes(tree).find((i) => i !== rootIndex)!;
        const node = tree[index];
        if (node?.nodeType !== 'parent') throw new Error('no inner parent');
        tree[index] = {
          ...node,
          parent: { ...node.parent, parentHash: flip(node.parent.parentHash) },
        };
        return Promise.resolve({ tree });
      },
    },
    {
      name: 'a blank parent node is filled with a key the committer holds',
      expected: 'CryptoVerificationError: Unable to verify parent hash',
      forge: async (tree) => {
        const index = [...tree.keys()].find(
          (i) => !isLeaf(toNodeIndex(i)) && tree[i] === undefined && tree[i - 1] !== undefined,
        )!;
        tree[index] = {
          nodeType: 'parent',
          parent: {
            hpkePublicKey: await freshHpkeKey(),
            parentHash: new Uint8Array(),
            unmergedLeaves: [],
          },
        };
        return { tree };
      },
    },
    {
      name: "the committer's own leaf claims another parent hash (re-signed by the committer)",
      expected: 'CryptoVerificationError: Unable to verify parent hash',
      forge: async (tree) => {
        const leaf = tree[0];
        if (leaf?.nodeType !== 'leaf' || leaf.leaf.leafNodeSource !== 'commit')
          throw new Error('host leaf is not from a commit');
        const resigned = await signLeafNodeCommit(
          {
            ...leaf.leaf,
            leafNodeSource: 'commit',
            parentHash: flip(leaf.leaf.parentHash),
            groupId: opened.groupInfo.groupContext.groupId,
            leafIndex: 0,
          },
          hostSigningKey(),
          world.crypto.impl.signature,
        );
        tree[0] = { nodeType: 'leaf', leaf: resigned };
        return { tree };
      },
    },
    {
      name: 'the new member is passed off as merged (dropped from every unmerged list)',
      expected: 'CryptoVerificationError: Unable to verify parent hash',
      forge: (tree) => {
        for (const i of parentIndexes(tree)) {
          const node = tree[i];
          if (node?.nodeType === 'parent' && node.parent.unmergedLeaves.length > 0)
            tree[i] = { ...node, parent: { ...node.parent, unmergedLeaves: [] } };
        }
        return Promise.resolve({ tree });
      },
    },
    {
      name: "the group context's tree hash does not match the tree",
      expected: 'ValidationError: Unable to verify tree hash',
      forge: async (tree) => ({
        tree,
        context: { treeHash: flip(await libraryTreeHashRoot(tree, world.crypto.impl.hash)) },
      }),
    },
    {
      name: "a member's leaf key is replaced without the member's signature",
      expected: 'CryptoVerificationError: Could not verify leaf node signature',
      forge: async (tree) => {
        const index = [...tree.keys()].find(
          (i) => tree[i]?.nodeType === 'leaf' && i > 0 && i < tree.length - 2,
        )!;
        const node = tree[index];
        if (node?.nodeType !== 'leaf') throw new Error('no leaf');
        tree[index] = { ...node, leaf: { ...node.leaf, hpkePublicKey: await freshHpkeKey() } };
        return { tree };
      },
    },
  ];

  it.each(forgeries)('refuses a Welcome in which $name, as the library does', async (forgery) => {
    const change = await forgery.forge(treeOf(opened));
    const bytes = await sealWelcome(world.crypto.impl, opened, hostSigningKey(), change);
    expect(await bothJoins(bytes)).toEqual({ ours: forgery.expected, library: forgery.expected });

    const refused = await joinFromWelcome(
      joiner.ctx,
      bytes,
      joiner.device,
      joinerBundle.privateBytes,
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(MlsError);
    expect((refused as MlsError).code).toBe('protocol');
    expect(String((refused as MlsError).cause)).toContain(forgery.expected.split(': ')[1]);
  });
  // A committer dropping the new member from the root's unmerged list only leaves a tree that
  // RFC 9420 §7.9.2 calls valid (no node below the root claims the leaf is unmerged there), so the
  // copy admits it where ts-mls 1.6.4's stricter check did not. The forged tree changes the group
  // context, so the joiner lands in a fork: its security code differs from the members', which is
  // exactly what comparing codes exposes.
  it('admits an RFC-valid but forked tree (root drops the new member) and the fork shows in the security code', async () => {
    const tree = treeOf(opened);
    const rootIndex = (tree.length - 1) / 2;
    const root = tree[rootIndex];
    if (root?.nodeType !== 'parent') throw new Error('blank root');
    tree[rootIndex] = { ...root, parent: { ...root.parent, unmergedLeaves: [] } };
    const bytes = await sealWelcome(world.crypto.impl, opened, hostSigningKey(), { tree });
    expect(await bothJoins(bytes)).toEqual({
      ours: 'ok',
      library:
        'ValidationError: non-blank intermediate node must list leaf node in its unmerged_leaves',
    });
    const forked = await joinFromWelcome(
      joiner.ctx,
      bytes,
      joiner.device,
      joinerBundle.privateBytes,
    );
    if (forked.kind !== 'joined') throw new Error(`join refused: ${forked.reason}`);
    expect(securityCode(forked.state)).not.toBe(codeAtWelcome);
  });
  // ts-mls 1.6.4 requires every non-blank node on an unmerged leaf's path to list exactly the
  // same unmerged leaves, so it refuses this honest Welcome (two members added below differently
  // filled paths, as happens when people join one at a time after updates and removes). RFC 9420
  // §7.9.2 asks only that each node between the leaf and the listing node lists that leaf; the
  // copy checks exactly that, so these joiners get in.
  it('admits an honest Welcome whose new members are unmerged at different depths (RFC 9420 §7.9.2), which ts-mls 1.6.4 refuses', async () => {
    const refusal =
      'ValidationError: non-blank intermediate node must list leaf node in its unmerged_leaves';
    expect(
      await bothJoins(batchWelcome.bytes, {
        joiner: batchWelcome.joiner,
        bundle: batchWelcome.bundle,
      }),
    ).toEqual({ ours: 'ok', library: refusal });
  });
});

describe('parent-hash and tree-hash checks with each subtree hashed once', () => {
  function* tamperings(tree: RatchetTree): Generator<[string, RatchetTree]> {
    const withNode = (i: number, node: RatchetTree[number]): RatchetTree => {
      const copy = tree.slice();
      copy[i] = node;
      return copy;
    };
    for (const [i, node] of tree.entries()) {
      if (node?.nodeType === 'parent') {
        const p = node.parent;
        yield [
          `parent ${i} parent hash`,
          withNode(i, { ...node, parent: { ...p, parentHash: flip(p.parentHash) } }),
        ];
        yield [
          `parent ${i} key`,
          withNode(i, { ...node, parent: { ...p, hpkePublicKey: flip(p.hpkePublicKey) } }),
        ];
        yield [`parent ${i} blanked`, withNode(i, undefined)];
        yield [
          `parent ${i} no unmerged`,
          withNode(i, { ...node, parent: { ...p, unmergedLeaves: [] } }),
        ];
        yield [
          `parent ${i} extra unmerged`,
          withNode(i, { ...node, parent: { ...p, unmergedLeaves: [...p.unmergedLeaves, 1] } }),
        ];
      } else if (node?.nodeType === 'leaf') {
        if (node.leaf.leafNodeSource === 'commit')
          yield [
            `leaf ${i} parent hash`,
            withNode(i, {
              ...node,
              leaf: { ...node.leaf, parentHash: flip(node.leaf.parentHash) },
            }),
          ];
        yield [`leaf ${i} blanked`, withNode(i, undefined)];
      } else if (!isLeaf(toNodeIndex(i))) {
        yield [
          `blank parent ${i} filled`,
          withNode(i, {
            nodeType: 'parent',
            parent: {
              hpkePublicKey: Uint8Array.of(i),
              parentHash: new Uint8Array(),
              unmergedLeaves: [],
            },
          }),
        ];
      }
    }
  }

  it("gives the library's answer on the churned tree and on every single-node tampering of it", async () => {
    const tree = treeOf(opened);
    const h = world.crypto.impl.hash;
    expect(await verifyParentHashes(tree, h)).toBe(true);
    let cases = 0;
    const refused: string[] = [];
    for (const [name, variant] of tamperings(tree)) {
      const library = await outcome(() => libraryVerifyParentHashes(variant, h));
      const ours = await outcome(() => verifyParentHashes(variant, h));
      expect({ name, ours }).toEqual({ name, ours: library });
      const libraryRoot = await outcome(async () =>
        Buffer.from(await libraryTreeHashRoot(variant, h)).toString('hex'),
      );
      expect(
        await outcome(async () =>
          Buffer.from(await new TreeHashes(variant, h).root()).toString('hex'),
        ),
      ).toBe(libraryRoot);
      cases++;
      if (ours !== 'true') refused.push(name);
    }
    expect(cases).toBeGreaterThan(40);
    // Every change to a non-blank parent's key or parent hash must break the chain.
    for (const i of parentIndexes(tree)) {
      expect(refused).toContain(`parent ${i} parent hash`);
      expect(refused).toContain(`parent ${i} key`);
    }
  });

  it('computes every subtree hash as the library does', async () => {
    const tree = treeOf(opened);
    const h = world.crypto.impl.hash;
    const hashes = new TreeHashes(tree, h);
    for (const i of tree.keys()) {
      const ours = await hashes.of(toNodeIndex(i));
      const library = await libraryTreeHash(tree, toNodeIndex(i), h);
      expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(library).toString('hex'));
    }
  });

  it('hashes each node at most once per distinct set of unmerged leaves', async () => {
    const tree = treeOf(opened);
    const h = world.crypto.impl.hash;
    const counting = (): Hash & { calls: number } => {
      const c = { ...h, calls: 0 };
      c.digest = (data) => {
        c.calls++;
        return h.digest(data);
      };
      return c;
    };
    const ours = counting();
    const library = counting();
    expect(await verifyParentHashes(tree, ours)).toBe(true);
    expect(await libraryVerifyParentHashes(tree, library)).toBe(true);
    const unmergedSets = new Set(
      parentIndexes(tree).map((i) => {
        const n = tree[i];
        return n?.nodeType === 'parent' ? [...n.parent.unmergedLeaves].sort().join(',') : '';
      }),
    );
    const leaves = tree.filter((n, i) => n !== undefined && isLeaf(toNodeIndex(i))).length;
    const depth = Math.log2(leafWidth(tree.length));
    // Subtree hashes: each node once per set; parent hashes: one per step of each leaf's chain.
    expect(ours.calls).toBeLessThanOrEqual(unmergedSets.size * tree.length + leaves * depth);
    expect(library.calls).toBeGreaterThan(2 * ours.calls);
  });
});
