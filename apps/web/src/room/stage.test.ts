// The stage's words: "muted" and "Camera off" only when the person announced it; silence alone
// (an older client, or a stall) reads as nothing arriving; people heard from but not seen get a tile.
import type { MediaState, RosterMember } from '@conclave/client';
import { describe, expect, it } from 'vitest';
import type { RemoteStream } from './receiver.ts';
import { audioStatus, initialsOf, stageOf, videoOverlay } from './stage.ts';

const stream = (
  kind: RemoteStream['kind'],
  relayId: number,
  over: Partial<RemoteStream> = {},
): RemoteStream => ({
  streamId: (relayId << 2) | (kind === 'audio' ? 1 : kind === 'camera' ? 2 : 3),
  kind,
  sender: { relayId, leafIndex: relayId, participantId: `p${relayId}`, displayName: `n${relayId}` },
  decoded: 5,
  live: true,
  announced: undefined,
  ...over,
});

const member = (relayId: number, self = false): RosterMember => ({
  leafIndex: relayId,
  userId: `u${relayId}`,
  deviceId: null,
  displayName: `n${relayId}`,
  label: `n${relayId}`,
  fingerprint: null,
  verified: false,
  self,
  relayId,
  participantId: `p${relayId}`,
});

const on = (microphone: boolean, camera: boolean): MediaState => ({
  microphone,
  camera,
  screen: false,
});

describe('the microphone line', () => {
  it('says muted only when announced, and nothing arriving otherwise', () => {
    expect(audioStatus(false, undefined)).toMatchObject({ words: 'muted', source: 'announced' });
    expect(audioStatus(false, stream('audio', 1))).toMatchObject({ words: 'muted' });
    expect(audioStatus(true, stream('audio', 1, { live: false }))).toMatchObject({
      words: 'no audio arriving',
      source: 'announced',
    });
    // An older client that went quiet: not claimed to be muted.
    expect(audioStatus(undefined, stream('audio', 1, { live: false }))).toMatchObject({
      words: 'no audio arriving',
      source: 'frames',
    });
    expect(audioStatus(undefined, stream('audio', 1))).toMatchObject({ words: 'audio arriving' });
    expect(audioStatus(true, stream('audio', 1, { decoded: 0 }))).toMatchObject({
      words: 'audio waiting',
    });
    expect(audioStatus(true, undefined)).toMatchObject({ words: 'audio waiting' });
    expect(audioStatus(undefined, undefined)).toBeUndefined();
  });
});

describe('the picture', () => {
  it('is "Camera off" only when announced', () => {
    expect(videoOverlay(stream('camera', 1, { announced: false, live: false }))).toBe('Camera off');
    expect(videoOverlay(stream('camera', 1, { live: false }))).toBe('No video arriving');
    expect(videoOverlay(stream('camera', 1, { announced: true, live: false }))).toBe(
      'No video arriving',
    );
    expect(videoOverlay(stream('screen', 1, { announced: true, live: false }))).toBe(
      'Screen not arriving',
    );
    expect(videoOverlay(stream('camera', 1, { announced: true }))).toBeNull();
  });
});

describe('the stage', () => {
  it('puts the microphone under the camera, and gives people not seen a tile of their own', () => {
    const roster = [member(1, true), member(2), member(3), member(4), member(5)];
    const streams = [
      stream('camera', 2),
      stream('audio', 2),
      stream('screen', 2),
      stream('audio', 4),
      stream('audio', 9),
    ];
    // 2 is seen and muted; 3 joined with camera and microphone off (no stream at all); 4 is heard
    // only; 5 never announced and sends nothing; 9 is heard but not on the list yet.
    const media = new Map([
      ['p2', on(false, true)],
      ['p3', on(false, false)],
    ]);
    const { screens, cameras, voices } = stageOf(streams, roster, media);
    expect(cameras.map((v) => [v.name, v.overlay, v.audio?.words])).toEqual([
      ['n2', null, 'muted'],
    ]);
    expect(screens.map((v) => [v.name, v.overlay, v.audio?.words])).toEqual([
      ["n2's screen", null, undefined],
    ]);
    expect(voices.map((v) => [v.name, v.overlay, v.audio?.words, v.audio?.source])).toEqual([
      ['n3', 'Camera off', 'muted', 'announced'],
      ['n4', 'No video', 'audio arriving', 'frames'],
      ['n9', 'No video', 'audio arriving', 'frames'],
    ]);
  });
});

describe('a raised hand', () => {
  it('shows on the camera tile or the voice tile of the person who raised it, not their screen', () => {
    const roster = [member(1, true), member(2), member(3)];
    const streams = [stream('camera', 2), stream('screen', 2)];
    const media = new Map([
      ['p2', { ...on(true, true), hand: true }],
      ['p3', { ...on(true, false), hand: true }],
    ]);
    const { screens, cameras, voices } = stageOf(streams, roster, media);
    expect([...cameras, ...screens].map((v) => [v.name, v.participantId, v.hand])).toEqual([
      ['n2', 'p2', true],
      ["n2's screen", 'p2', false],
    ]);
    expect(voices.map((v) => [v.name, v.participantId, v.hand])).toEqual([['n3', 'p3', true]]);
    // Lowered (or never said, by an older client): no hand.
    const lowered = stageOf(streams, roster, new Map([['p2', on(true, true)]]));
    expect(lowered.cameras[0]?.hand).toBe(false);
  });
});

describe('the active speaker', () => {
  it("highlights the speaker's camera tile or voice tile, never a screen", () => {
    const roster = [member(1, true), member(2), member(3), member(4)];
    const streams = [stream('camera', 2), stream('screen', 2), stream('audio', 3)];
    const media = new Map([['p4', on(true, false)]]);
    const seen = stageOf(streams, roster, media, 2);
    expect(seen.cameras.map((v) => v.speaking)).toEqual([true]);
    expect(seen.screens.map((v) => v.speaking)).toEqual([false]);
    expect(seen.voices.map((v) => [v.name, v.speaking])).toEqual([
      ['n3', false],
      ['n4', false],
    ]);
    const heard = stageOf(streams, roster, media, 3);
    expect(heard.cameras.map((v) => v.speaking)).toEqual([false]);
    expect(heard.voices.map((v) => [v.name, v.speaking])).toEqual([
      ['n3', true],
      ['n4', false],
    ]);
    expect(stageOf(streams, roster, media).voices.some((v) => v.speaking)).toBe(false);
  });
});

describe('a tile without a picture', () => {
  it("shows the person's initials", () => {
    expect(initialsOf('Bob Basic')).toBe('BB');
    expect(initialsOf('zoë ångström maria')).toBe('ZÅ');
    expect(initialsOf('Alice (alice@example.org)')).toBe('A');
    expect(initialsOf('   ')).toBe('?');
  });
});
