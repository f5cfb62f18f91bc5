/**
 * Backslashes in decoded values (docs/hl7v2-parsing.md, *Escape sequences*). A decoded value
 * keeps formatting commands as `\.br\`, `\H\` ... whatever the message's escape character,
 * and may also hold backslashes that are data (`\E\`, a `\` sent where `\` is not the escape
 * character, `\X5C\`). The two must not read alike: `\.br\` (a line break) and `\E\.br\E\`
 * (the text "\.br\") were the same value. The reading rule of a decoded value:
 * - `\\` is one backslash (data);
 * - `\` + a formatting command + `\` is that command;
 * - any other `\` is a backslash (data).
 * So a data backslash is written doubled exactly when it would otherwise read as the start of
 * `\\` or of a command (it is followed by a backslash, or by a command's text and a
 * backslash); every other backslash is written once, and values without such a case are
 * unchanged (`C:\TEMP`, RTF text).
 */

/** The text of a formatting or character-set command between its two escape characters. */
export const FORMATTING = /^(?:\.(?:br|sp|in|ti|sk|ce|fi|nf)[+-]?\d*|H|N|Z[^\\]*|C[0-9A-Fa-f]{4}|M[0-9A-Fa-f]{4,6})$/;

/**
 * The value written by the reading rule, given where its commands start (ascending offsets of
 * the `\` that opens each; every other backslash in `v` is data).
 */
export function canonical(v: string, commands: readonly number[] | undefined): string {
  // Split into data text and commands, left to right.
  const parts: string[] = [];
  const isCommand: boolean[] = [];
  let p = 0;
  for (const start of commands ?? []) {
    const close = v.indexOf('\\', start + 1);
    if (start > p) {
      parts.push(v.slice(p, start));
      isCommand.push(false);
    }
    parts.push(v.slice(start, close + 1));
    isCommand.push(true);
    p = close + 1;
  }
  if (p < v.length) {
    parts.push(v.slice(p));
    isCommand.push(false);
  }
  // Written right to left: whether a data backslash is doubled depends on what follows it as
  // written: `run` is the text up to the next backslash, `before` says there is one.
  const reversed: string[] = [];
  let run = '';
  let before = false;
  for (let k = parts.length - 1; k >= 0; k--) {
    const t = parts[k] as string;
    if (isCommand[k]) {
      reversed.push(t);
      run = '';
      before = true;
      continue;
    }
    let j = t.length;
    for (let b = t.lastIndexOf('\\'); b >= 0; b = b === 0 ? -1 : t.lastIndexOf('\\', b - 1)) {
      const plain = t.slice(b + 1, j);
      reversed.push(plain);
      run = plain + run;
      reversed.push(before && (run === '' || FORMATTING.test(run)) ? '\\\\' : '\\');
      run = '';
      before = true;
      j = b;
    }
    const head = t.slice(0, j);
    reversed.push(head);
    run = head + run;
  }
  let out = '';
  for (let k = reversed.length - 1; k >= 0; k--) out += reversed[k] as string;
  return out;
}

/**
 * Reads a value by the rule above from the `\` at `i`: the offset just after what it stands
 * for, and whether that is a command (else one data backslash).
 */
export function readBackslash(v: string, i: number): { next: number; command: boolean } {
  if (v.charCodeAt(i + 1) === 0x5c) return { next: i + 2, command: false };
  const close = v.indexOf('\\', i + 1);
  if (close > i + 1 && FORMATTING.test(v.slice(i + 1, close))) return { next: close + 1, command: true };
  return { next: i + 1, command: false };
}
