// How a headless participant's report reads for a person.
import type { ParticipantReport } from './participant.ts';

export function formatDrops(dropped: Readonly<Record<string, number | undefined>>): string {
  const entries = Object.entries(dropped).filter(([, n]) => (n ?? 0) > 0);
  if (entries.length === 0) return 'none';
  return entries
    .sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
}

export function formatParticipant(
  meetingId: string,
  report: ParticipantReport,
  seconds: number,
): string[] {
  const name = (userId: string | null | undefined, fallback?: string) =>
    fallback ?? userId ?? 'unknown';
  const lines = [
    `Joined meeting ${meetingId} as ${report.displayName} — ${report.e2ee === true ? `end-to-end encrypted, MLS epoch ${report.epoch ?? '?'}` : 'standard encryption (server-held media key)'}`,
  ];
  if (report.securityCode !== undefined)
    lines.push(`Security code: ${report.securityCode}   (compare it with the others)`);
  lines.push(
    `Participants (${report.roster.length}${report.e2ee === true ? ', from the MLS group' : ''}):`,
  );
  for (const m of report.roster) {
    const who = name(m.userId, m.displayName).padEnd(20);
    const fingerprint = m.fingerprint === null ? '' : `  fingerprint ${m.fingerprint}`;
    lines.push(
      `  ${who} leaf ${String(m.leafIndex).padEnd(4)}${fingerprint}${m.self ? '  (you)' : ''}${m.verified ? '  verified' : ''}`,
    );
  }
  const s = report.sent;
  lines.push(
    report.sendsMedia
      ? `Sent in ${seconds} s: ${s.audioSent} audio and ${s.videoSent} video frames (${s.keyFramesSent} key frames), ${s.notSent} not sent`
      : 'Sent: nothing (receive only)',
  );
  const refused = Object.values(report.frames.refused).reduce((sum, n) => sum + (n ?? 0), 0);
  if (refused > 0)
    lines.push(
      `Refused by the relay: ${refused} frames, forwarded to nobody (${formatDrops(report.frames.refused)})`,
    );
  lines.push(
    `Received: ${report.frames.received} frames, ${report.frames.decrypted} decrypted, ${report.frames.droppedTotal} dropped (${formatDrops(report.frames.dropped)})`,
  );
  for (const sender of report.bySender) {
    lines.push(
      `  from ${name(sender.userId, sender.displayName)} (relay ${sender.relayId}): ${sender.received} received, ${sender.decrypted} decrypted, dropped ${formatDrops(sender.dropped)}`,
    );
  }
  for (const stall of report.stalledSenders ?? []) {
    lines.push(
      `  cannot hear ${name(stall.userId, stall.displayName)} (relay ${stall.relayId}): their last ${stall.frames} frames were refused (${stall.reason})`,
    );
  }
  if (report.reconnects > 0)
    lines.push(`Reconnected ${report.reconnects} time(s) without a new epoch`);
  return lines;
}
