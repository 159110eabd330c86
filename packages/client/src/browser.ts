// @conclave/client/browser — what only browsers need: SFrame in a Web Worker, so the page never
// holds a media key. Give `workerFrameProtectors().factory` to `client.meeting(id, {
// frameProtector })`; its `stats()` counts the frames the workers protected and decrypted.
export {
  WorkerFrameProtector,
  workerFrameProtectors,
  type FrameWorker,
  type WorkerFrameCounts,
  type WorkerFrameProtectors,
} from './browser/worker-frame-protector.ts';
