// What a participant would check on a room page, read from the page itself: the security code,
// whether a tile shows a real and moving picture, whether audio frames are being decoded, and
// whether frames went through the page's SFrame worker. Everything that waits polls the page;
// nothing sleeps for a fixed time, so a slow machine only makes the tests slower.
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** A full security code: four groups of five digits. */
export const CODE = /^\d{5} \d{5} \d{5} \d{5}$/;

/** Whoever a tile or an audio line belongs to. */
export interface Member {
  readonly userId: string;
}

export type TileKind = 'camera' | 'screen';

export interface TileSample {
  /** 0 when there is no canvas yet or it has no picture. */
  readonly width: number;
  /** Pixels that are not (nearly) black. */
  readonly lit: number;
  /** A position-weighted sum of the pixels: changes when the picture does. */
  readonly sum: number;
}

export const codeOf = async (page: Page): Promise<string> =>
  (await page.locator('.security-code').textContent())?.trim() ?? '';

/** The page's security code once it is a full code different from `not`. */
export async function settledCode(page: Page, not = ''): Promise<string> {
  await expect.poll(() => codeOf(page), { timeout: 20_000 }).toMatch(CODE);
  await expect.poll(() => codeOf(page), { timeout: 20_000 }).not.toBe(not);
  return codeOf(page);
}

/** The one full code both pages show once both are in the same group. */
export async function sharedCode(a: Page, b: Page): Promise<string> {
  await expect
    .poll(async () => [await codeOf(a), await codeOf(b)].join('|'), { timeout: 20_000 })
    .toMatch(/^(\d{5} \d{5} \d{5} \d{5})\|\1$/);
  return codeOf(a);
}

/** A cheap fingerprint of what the `kind` tile of `userId` shows now. */
export function sampleTile(
  page: Page,
  userId: string,
  kind: TileKind = 'camera',
): Promise<TileSample> {
  return page.evaluate(
    ({ id, kind }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(
        `[data-user-id="${id}"][data-kind="${kind}"] canvas`,
      );
      if (!canvas || canvas.width === 0) return { width: 0, lit: 0, sum: 0 };
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let lit = 0;
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) {
        const value = data[i]! + data[i + 1]! + data[i + 2]!;
        if (value > 30) lit++;
        sum = (sum + value * ((i >> 2) % 251)) % 1_000_000_007;
      }
      return { width: canvas.width, lit, sum };
    },
    { id: userId, kind },
  );
}

/**
 * `from`'s camera tile on `page` shows real pixels, and then a different picture: the video is
 * decoded and keeps arriving, not one frozen frame.
 */
export async function expectMovingVideo(page: Page, from: Member): Promise<void> {
  await expect
    .poll(async () => (await sampleTile(page, from.userId)).lit, { timeout: 20_000 })
    .toBeGreaterThan(1000);
  const first = await sampleTile(page, from.userId);
  await expect
    .poll(
      async () => {
        const now = await sampleTile(page, from.userId);
        if (now.width === 0) return 'no picture';
        return now.sum === first.sum ? 'the same picture' : 'a new picture';
      },
      { timeout: 10_000 },
    )
    .toBe('a new picture');
}

/** The line that tells whether `from`'s microphone is heard, and how many frames were decoded. */
export const audioLine = (page: Page, from: Member): Locator =>
  page.locator(`.room-audio[data-user-id="${from.userId}"]`).first();

export const audioDecoded = async (page: Page, from: Member): Promise<number> =>
  Number(await audioLine(page, from).getAttribute('data-decoded'));

/**
 * Media frames the page's SFrame worker protected or decrypted, as the room's media statistics
 * show them (the SDK's counters). The statistics must be on the page: no element is no answer.
 */
export const workerFrames = async (page: Page): Promise<number> => {
  const shown = await page.locator('.room-stats').first().getAttribute('data-worker-frames');
  if (shown === null) throw new Error('the room shows no frame statistics');
  return Number(shown);
};
