// A stand-in for load-worker.ts in tests: it speaks the parent's protocol without any SDK client,
// so the parent's orchestration (the start together, the judgement across workers, a dying
// worker) is tested in real processes and in well under a second. What it does is set by its
// first account's userId:
//   `agree:<securityCode>:<rosterLength>` — on `go`, all its participants are joined at epoch 1
//      with that code and roster size;
//   `rekey:<securityCode>:<rosterLength>:<ms>` — as `agree`, then every <ms> the next epoch, with
//      the code followed by the epoch (a commit such as the periodic update), up to epoch 3 — or
//      for ever with `flap` in place of `rekey`;
//   `busy:<securityCode>:<rosterLength>:<ms>` — as `agree`, with an MLS step in hand for <ms>
//      (a commit received and not processed yet);
//   `crash` — on `go`, exits with code 3.
// Its report gives the epoch it was at when `measure` came as the measured time's start.
// It writes a file named after its pid into the folder given as `server`, so a test can check
// that no worker outlives the run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParentMessage, StartLoad, WorkerMessage } from '../src/headless/load-protocol.ts';

let start: StartLoad | undefined;
let epoch = 1;
let mlsSteps = 0;

const send = (message: WorkerMessage) => process.send?.(message);

process.on('disconnect', () => process.exit(1));
process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'start':
      start = message;
      writeFileSync(join(message.server, String(process.pid)), '');
      send({ type: 'ready' });
      return;
    case 'go': {
      const accounts = start?.accounts ?? [];
      const [mode, securityCode, rosterLength, everyMs] = (accounts[0]?.userId ?? '').split(':');
      if (mode === 'crash') process.exit(3);
      const status = () =>
        send({
          type: 'status',
          status: {
            total: accounts.length,
            joining: 0,
            failed: 0,
            failedBecause: {},
            keys: [
              {
                epoch: String(epoch),
                securityCode: epoch === 1 ? (securityCode ?? null) : `${securityCode}${epoch}`,
                rosterLength: Number(rosterLength),
                count: accounts.length,
              },
            ],
            mlsSteps,
          },
        });
      if (mode === 'busy') {
        mlsSteps = 1;
        setTimeout(() => {
          mlsSteps = 0;
          status();
        }, Number(everyMs)).unref();
      }
      status();
      if (mode === 'rekey' || mode === 'flap') {
        const timer = setInterval(() => {
          epoch++;
          status();
          if (mode === 'rekey' && epoch === 3) clearInterval(timer);
        }, Number(everyMs));
        timer.unref();
      }
      return;
    }
    case 'measure':
      send({
        type: 'report',
        reports: (start?.accounts ?? []).map((a, i) => ({
          userId: a.userId,
          displayName: `${a.userId} #${i}`,
          joined: true,
          sendsMedia: i < (start?.senders ?? 0),
          epochs: 1,
          roster: [],
          sent: { audioSent: 0, videoSent: 0, keyFramesSent: 0, notSent: 0 },
          frames: { sent: 0, refused: {}, received: 0, decrypted: 0, dropped: {}, droppedTotal: 0 },
          bySender: [],
          chat: { sent: 0, received: 0 },
          reconnects: 0,
        })),
        windows: (start?.accounts ?? []).map(() => ({ received: 0, decrypted: 0, dropped: {} })),
        left: (start?.accounts ?? []).map(() => false),
        epochs: { start: String(epoch), end: String(epoch) },
        cutoffs: { leaves: [], senders: [] },
        excludedPauses: { steps: 0, ms: 0, longestMs: 0 },
        memory: { peakRssMb: 0, participants: start?.accounts.length ?? 0 },
      });
      return;
    case 'leave':
      process.exit(0);
  }
});
