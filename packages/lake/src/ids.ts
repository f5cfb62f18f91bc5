import { randomBytes } from 'node:crypto';

/**
 * Message ids are ULIDs (docs/adr/0001-message-ids.md): 48-bit millisecond time + 80 random
 * bits in Crockford base32, 26 characters, lexicographic order = time order. Within one
 * millisecond the random part is incremented (and if it overflows, the id moves to the next
 * millisecond), so ids of one process are strictly increasing.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
let lastRandom: number[] = [];

function randomDigits(): number[] {
  const bytes = randomBytes(16);
  return Array.from({ length: 16 }, (_, i) => (bytes[i] as number) & 31);
}

/** The random part plus one, or undefined when it is already at its maximum. */
function increment(digits: number[]): number[] | undefined {
  const out = digits.slice();
  for (let i = out.length - 1; i >= 0; i--) {
    if ((out[i] as number) < 31) {
      out[i] = (out[i] as number) + 1;
      return out;
    }
    out[i] = 0;
  }
  return undefined;
}

export function newMessageId(now: number = Date.now()): string {
  if (now <= lastTime) {
    const next = increment(lastRandom);
    // The random part of this millisecond is used up: borrow the next millisecond.
    if (next === undefined) lastTime += 1;
    lastRandom = next ?? randomDigits();
    now = lastTime;
  } else {
    lastTime = now;
    lastRandom = randomDigits();
  }
  return ulidTimePrefix(now) + lastRandom.map((d) => ALPHABET.charAt(d)).join('');
}

/** Largest time a ULID holds (48 bits of milliseconds). */
export const MAX_ULID_TIME = 2 ** 48 - 1;

/**
 * The 10-character time part of a ULID for the millisecond `ms` (clamped to the ULID range):
 * every id minted at `ms` starts with it, so it bounds id ranges by time (catalog queries).
 */
export function ulidTimePrefix(ms: number): string {
  let t = Math.min(Math.max(Math.floor(ms), 0), MAX_ULID_TIME);
  let time = '';
  for (let i = 0; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET.charAt(t % 32) + time;
  return time;
}

/** 26 Crockford characters; the first at most '7' (the time is 48 bits, as the ULID spec says). */
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export function isMessageId(id: string): boolean {
  return ULID.test(id);
}

/** Milliseconds since the epoch encoded in an id. */
export function messageIdTime(id: string): number {
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + ALPHABET.indexOf(id.charAt(i));
  return t;
}
