// `conclave join` names the senders it cannot hear (issue 16: nobody was told).
import { describe, expect, it } from 'vitest';
import type { ParticipantReport } from '../src/headless/participant.ts';
import { formatParticipant } from '../src/headless/report.ts';

const report: ParticipantReport = {
  userId: 'u-bob',
  displayName: 'bob',
  joined: true,
  e2ee: true,
  epoch: '3',
  epochs: 3,
  sendsMedia: true,
  roster: [],
  sent: { audioSent: 0, videoSent: 0, keyFramesSent: 0, notSent: 0 },
  frames: { sent: 0, refused: {}, received: 40, decrypted: 0, dropped: {}, droppedTotal: 40 },
  bySender: [],
  chat: { sent: 0, received: 0 },
  reconnects: 1,
  stalledSenders: [
    { relayId: 3, userId: 'u-carol', displayName: 'carol', reason: 'sender_mismatch', frames: 40 },
  ],
};

describe('the join report', () => {
  it('says whom this participant cannot hear, and why', () => {
    expect(formatParticipant('m1', report, 10)).toContain(
      '  cannot hear carol (relay 3): their last 40 frames were refused (sender_mismatch)',
    );
  });
});
