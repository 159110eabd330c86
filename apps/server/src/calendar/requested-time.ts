// A scheduling request's time, as the meeting keeps it. The schemas (@conclave/protocol) checked
// each field's shape; what needs the zone rules is checked here. A request without a time (older
// clients) starts now, for 60 minutes, in UTC — UTC rather than the server's zone, so that the
// same request means the same meeting whatever machine runs the server (docs/api.md).
import { defaultDurationMinutes, defaultTimeZone } from '@conclave/protocol';
import type { MeetingRequestBody } from '@conclave/protocol';
import { ServerError } from '../errors.ts';
import { instantOf, lastIndex, type MeetingTime } from './occurrences.ts';

export function requestedTime(body: MeetingRequestBody, now: number): MeetingTime {
  const timeZone = body.timeZone ?? defaultTimeZone;
  const time: MeetingTime = {
    startAt: body.start === undefined ? now : instantOf(body.start, timeZone),
    timeZone,
    durationMinutes: body.durationMinutes ?? defaultDurationMinutes,
    recurrence: body.recurrence ?? null,
  };
  if (!Number.isFinite(time.startAt)) {
    throw new ServerError(
      'INVALID_INPUT',
      'The start is not a time that exists in this time zone.',
      {
        fields: [{ path: '$.start', message: 'not a time in this time zone' }],
      },
    );
  }
  if (lastIndex(time) < 1 && time.recurrence?.until !== undefined) {
    throw new ServerError(
      'INVALID_INPUT',
      'The recurrence ends (until) before its second occurrence; give a later last day, or schedule a single meeting.',
      { fields: [{ path: '$.recurrence.until', message: 'before the second occurrence' }] },
    );
  }
  return time;
}
