// A moment as a clock on the wall of a time zone shows it — the one way the web app (schedule
// form) and the CLI (meeting lists) write local times. Standard Intl only.

/** `at` (epoch ms or an ISO string) on the wall clock of IANA zone `zone`: `YYYY-MM-DDTHH:mm`. */
export function wallClock(at: number | string, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}
