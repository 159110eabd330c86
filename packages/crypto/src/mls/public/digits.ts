// Human-comparable digit strings (security code, key fingerprints): each group of five digits is
// one 40-bit big-endian chunk of a SHA-2 output reduced mod 10^5. The bias of the reduction is
// below 10^-7 per group, far under what people comparing codes can notice.
export function digitGroups(hash: Uint8Array, groups: number): string {
  if (hash.length < groups * 5) throw new RangeError('hash too short for the digit groups');
  const out: string[] = [];
  for (let g = 0; g < groups; g++) {
    let chunk = 0;
    for (let i = 0; i < 5; i++) chunk = chunk * 256 + (hash[g * 5 + i] ?? 0);
    out.push(String(chunk % 100_000).padStart(5, '0'));
  }
  return out.join(' ');
}
