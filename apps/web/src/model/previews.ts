// Asks the server the questions the E2EE switch needs answered, as few as the answers allow:
// one preview when the request itself settles it, at most three when it was refused.
import type { MeetingDecision, MeetingOptions } from '@conclave/protocol';
import { incompatibleOptions } from '@conclave/vocabulary';
import type { MeetingRequest } from '../api/types.ts';
import { needsProbe, type Previews } from './e2eeToggle.ts';

export type PreviewFn = (request: MeetingRequest) => Promise<MeetingDecision>;

/** The request with no E2EE choice and none of the options E2EE rules out. */
export function baseRequest(request: MeetingRequest): MeetingRequest {
  const options: MeetingOptions = { ...request.options };
  delete options.endToEndEncryption;
  for (const option of incompatibleOptions) delete options[option];
  return { ...request, options };
}

export function probeRequest(request: MeetingRequest): MeetingRequest {
  const base = baseRequest(request);
  return { ...base, options: { ...base.options, endToEndEncryption: true } };
}

export async function gatherPreviews(
  request: MeetingRequest,
  preview: PreviewFn,
): Promise<Previews> {
  const actual = await preview(request);
  const previews: Previews = { actual };
  let settled: MeetingDecision = actual;
  if (actual.outcome === 'rejected') {
    previews.base = await preview(baseRequest(request));
    settled = previews.base;
  }
  if (needsProbe(settled)) previews.probeOn = await preview(probeRequest(request));
  return previews;
}
