/**
 * MLLP framing (HL7 v2 Minimal Lower Layer Protocol, release 2): a message travels as
 * `<VT 0x0B> bytes <FS 0x1C><CR 0x0D>`. The decoder takes TCP chunks as they come (a frame
 * may be split anywhere, several frames may share a chunk) and yields whole frames.
 *
 * Leniency, all reported as events rather than silently dropped:
 * - bytes between frames other than CR/LF are counted as `noise`;
 * - a start byte inside an open frame: when what follows it starts a message (`MSH`, `BHS`,
 *   `FHS`), the sender gave up the frame and began again: the part before is `truncated` and
 *   the rest is a frame; otherwise it is a stray byte inside one frame, reported as `stray`
 *   with the whole frame and the offset of the first stray byte (answered with its own
 *   error, not as an empty or non-HL7 message);
 * - a frame larger than `maxFrameBytes` is skipped up to its end byte and reported as
 *   `oversize` (memory stays bounded by `maxFrameBytes`);
 * - a lone FS without the CR ends the frame too (the CR is optional in practice).
 */
export const MLLP_START = 0x0b;
export const MLLP_END = 0x1c;
export const MLLP_CR = 0x0d;

export type MllpEvent =
  | { kind: 'frame'; bytes: Uint8Array }
  | { kind: 'oversize'; size: number }
  | { kind: 'truncated'; size: number }
  | { kind: 'stray'; bytes: Uint8Array; offset: number }
  | { kind: 'noise'; size: number };

const State = { Outside: 0, Inside: 1, Skipping: 2 } as const;
type State = (typeof State)[keyof typeof State];

export class MllpDecoder {
  private state: State = State.Outside;
  private parts: Uint8Array[] = [];
  private size = 0;
  private noise = 0;
  /** Offsets in the open frame of start bytes found inside it (kept in the frame's bytes). */
  private strays: number[] = [];

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes of the frame being received (0 between frames). */
  get pendingBytes(): number {
    return this.size;
  }

  /** Bytes of the unfinished frame held in memory (an oversize frame being skipped holds none). */
  get bufferedBytes(): number {
    return this.state === State.Inside ? this.size : 0;
  }

  /** Feeds one chunk; returns the events it completes, in order. */
  push(chunk: Uint8Array): MllpEvent[] {
    const events: MllpEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.state === State.Outside) {
        const start = chunk.indexOf(MLLP_START, i);
        const end = start === -1 ? chunk.length : start;
        for (let j = i; j < end; j++) {
          const b = chunk[j];
          if (b !== MLLP_CR && b !== 0x0a) this.noise++;
        }
        if (start === -1) break;
        this.flushNoise(events);
        this.state = State.Inside;
        this.parts = [];
        this.size = 0;
        this.strays = [];
        i = start + 1;
        continue;
      }
      // Inside or skipping: look for the end byte, or a start byte that opens a new frame.
      let j = i;
      while (j < chunk.length && chunk[j] !== MLLP_END && chunk[j] !== MLLP_START) j++;
      this.take(chunk.subarray(i, j));
      if (j === chunk.length) break;
      if (chunk[j] === MLLP_START && this.state === State.Skipping) {
        events.push({ kind: 'oversize', size: this.size });
        this.parts = [];
        this.size = 0;
        this.strays = [];
        this.state = State.Inside;
      } else if (chunk[j] === MLLP_START) {
        // Kept in the frame: whether it starts a new message is known once the frame ends.
        this.strays.push(this.size);
        this.take(chunk.subarray(j, j + 1));
      } else {
        if (this.state === State.Skipping) events.push({ kind: 'oversize', size: this.size });
        else events.push(...this.ended(this.joined()));
        this.parts = [];
        this.size = 0;
        this.strays = [];
        this.state = State.Outside;
      }
      i = j + 1;
    }
    return events;
  }

  /** Call when the connection ends: an open frame is reported as truncated. */
  end(): MllpEvent[] {
    const events: MllpEvent[] = [];
    this.flushNoise(events);
    if (this.state !== State.Outside) {
      const last = this.strays[this.strays.length - 1];
      if (this.state === State.Skipping) events.push({ kind: 'oversize', size: this.size });
      // A frame begun again and then cut off: the earlier attempt and the last one are two.
      else if (last !== undefined && startsMessage(this.joined().subarray(last + 1)))
        events.push({ kind: 'truncated', size: last }, { kind: 'truncated', size: this.size - last - 1 });
      else events.push({ kind: 'truncated', size: this.size });
    }
    this.state = State.Outside;
    this.parts = [];
    this.size = 0;
    this.strays = [];
    return events;
  }

  /** The events of a frame that reached its end byte (see the leniency rules above). */
  private ended(bytes: Uint8Array): MllpEvent[] {
    const last = this.strays[this.strays.length - 1];
    const first = this.strays[0];
    if (last === undefined || first === undefined) return [{ kind: 'frame', bytes }];
    const rest = bytes.subarray(last + 1);
    if (startsMessage(rest))
      return [
        { kind: 'truncated', size: last },
        { kind: 'frame', bytes: Uint8Array.from(rest) },
      ];
    return [{ kind: 'stray', bytes, offset: first }];
  }

  private take(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.size += bytes.length;
    if (this.state === State.Inside && this.size > this.maxFrameBytes) {
      this.state = State.Skipping;
      this.parts = [];
    }
    // Copy: the socket may reuse its buffers.
    if (this.state === State.Inside) this.parts.push(Uint8Array.from(bytes));
  }

  private joined(): Uint8Array {
    if (this.parts.length === 1) return this.parts[0] as Uint8Array;
    return Buffer.concat(this.parts);
  }

  private flushNoise(events: MllpEvent[]): void {
    if (this.noise > 0) events.push({ kind: 'noise', size: this.noise });
    this.noise = 0;
  }
}

/** Whether bytes begin a message or a batch (`MSH`, `BHS`, `FHS`, after blank lines or a BOM). */
function startsMessage(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === MLLP_CR || bytes[i] === 0x0a || bytes[i] === 0x20)) i++;
  const head = Buffer.from(bytes.subarray(i, i + 3)).toString('latin1');
  return head === 'MSH' || head === 'BHS' || head === 'FHS';
}

/** Wraps one message (ER7 text or bytes) in an MLLP frame. */
export function mllpFrame(message: string | Uint8Array): Uint8Array {
  const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  const out = new Uint8Array(body.length + 3);
  out[0] = MLLP_START;
  out.set(body, 1);
  out[body.length + 1] = MLLP_END;
  out[body.length + 2] = MLLP_CR;
  return out;
}
