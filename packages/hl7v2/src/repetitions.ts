/**
 * Repetition numbers of segments (`PID[2]`: the second PID of the message), for the location
 * of a finding. Counted once, incrementally, as findings ask for them: each segment is counted
 * at most once per SegmentRepetitions, so a message with a finding on every one of a million
 * segments costs a million steps, not a million squared. Messages without findings count
 * nothing. The list may grow while it is used (the parser adds segments), never change.
 */
export class SegmentRepetitions {
  readonly #segments: readonly { readonly id: string }[];
  // Made on first use: most messages have no finding that needs a repetition number.
  #byId: Map<string, number> | undefined;
  #numbers: number[] | undefined;

  constructor(segments: readonly { readonly id: string }[]) {
    this.#segments = segments;
  }

  #countTo(end: number): Map<string, number> {
    const byId = (this.#byId ??= new Map());
    const numbers = (this.#numbers ??= []);
    for (let i = numbers.length; i < end; i++) {
      const id = (this.#segments[i] as { readonly id: string }).id;
      const n = (byId.get(id) ?? 0) + 1;
      byId.set(id, n);
      numbers.push(n);
    }
    return byId;
  }

  /** 1-based repetition of segment i among the segments with its id. */
  at(i: number): number {
    this.#countTo(i + 1);
    return (this.#numbers as number[])[i] as number;
  }

  /** The repetition a segment with this id gets when it is added after the segments so far. */
  next(id: string): number {
    return (this.#countTo(this.#segments.length).get(id) ?? 0) + 1;
  }
}
