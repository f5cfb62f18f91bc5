/**
 * ACK/NACK builder: MSH (sender and receiver swapped, new control id, MSH-9 ACK^event^ACK,
 * same version), MSA echoing MSH-10, and version-appropriate ERR segments carrying the
 * diagnostics' locations. Output: ER7 text, segments ended by CR.
 */
import { Hl7Error } from '../errors';
import type { Diagnostic } from '../schema/diagnostics';
import { hl7ErrorCodeFor, HL7_ERROR_CODES, type Hl7ErrorCode } from './error-codes';
import { encodingCharacters, escapeValue, type AckDelimiters } from './escape';
import { ackSourceOf, type AckInput, type AckSource } from './source';

/** MSA-1 acknowledgment codes (HL7 table 0008): original mode AA/AE/AR, enhanced mode CA/CE/CR. */
export const ACK_CODES = {
  AA: 'Application accept',
  AE: 'Application error',
  AR: 'Application reject',
  CA: 'Commit accept',
  CE: 'Commit error',
  CR: 'Commit reject',
} as const;

export type AckCode = keyof typeof ACK_CODES;

export interface AckOptions {
  code: AckCode;
  /** Human-readable text (MSA-3 before v2.7, ERR-8 from v2.7 on where MSA-3 is withdrawn). */
  text?: string;
  /** Diagnostics to report, one ERR (v2.5+) or one ERR-1 repetition (v2.1-2.4) each. */
  diagnostics?: readonly Diagnostic[];
  /** MSH-10 of the ACK; generated when omitted. */
  controlId?: string;
  /** MSH-7 of the ACK; defaults to the current time. */
  now?: Date;
}

/** Thrown for an invalid acknowledgment code (the only input buildAck can refuse); an Hl7Error. */
export class Hl7AckError extends Hl7Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BAD_ACK_CODE', message, [], options);
    this.name = 'Hl7AckError';
  }
}

/** Sortable rank of an HL7 version (2.5.1 -> 2051, 2.3 -> 2030); unknown or missing -> 2.5. */
export function versionRank(version: string | undefined): number {
  const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?/.exec(version ?? '');
  if (m === null) return 205_0;
  return Number(m[1]) * 1000 + Number(m[2]) * 10 + Number(m[3] ?? 0);
}

const V2_3_1 = 2031;
const V2_5 = 2050;
const V2_7 = 2070;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** HL7 DTM in UTC: YYYYMMDDHHMMSS+0000. */
export function hl7Timestamp(date: Date): string {
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}+0000`;
}

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A 20-character control id (MSH-10 is ST(20) before v2.7): 'A' + 19 random base-36 characters. */
export function newControlId(): string {
  const bytes = new Uint8Array(19);
  globalThis.crypto.getRandomValues(bytes);
  let id = 'A';
  for (const b of bytes) id += ID_ALPHABET[b % 36];
  return id;
}

function join(values: readonly string[], separator: string): string {
  let end = values.length;
  while (end > 0 && values[end - 1] === '') end--;
  return values.slice(0, end).join(separator);
}

function num(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}

function hl7Code(d: Diagnostic, rank: number): Hl7ErrorCode {
  return hl7ErrorCodeFor(d.code, rank);
}

/** ERR for v2.5+: ERR-2 ERL location, ERR-3 table 0357, ERR-4 severity, ERR-5 our code, ERR-7 description. */
function errV25(d: Diagnostic, rank: number, dl: AckDelimiters, userText: string | undefined): string {
  const e = (v: string): string => escapeValue(v, dl);
  const location =
    d.segment === undefined
      ? ''
      : join(
          [
            e(d.segment),
            num(d.segmentRepetition ?? 1),
            num(d.field),
            num(d.field === undefined ? undefined : (d.repetition ?? 1)),
            num(d.component),
            num(d.subcomponent),
          ],
          dl.component,
        );
  const code = hl7Code(d, rank);
  const fields = [
    'ERR',
    '',
    location,
    join([code.code, e(code.text), 'HL70357'], dl.component),
    d.severity === 'error' ? 'E' : 'W',
    e(d.code),
    '',
    e(d.segment === undefined ? `${d.message} (${d.location})` : d.message),
    userText === undefined ? '' : e(userText),
  ];
  return join(fields, dl.field);
}

/** One ELD repetition for v2.1-2.4 ERR-1: SEG^sequence^field^code&text&HL70357. */
function eld(d: Diagnostic, rank: number, dl: AckDelimiters): string {
  const e = (v: string): string => escapeValue(v, dl);
  const code = hl7Code(d, rank);
  return join(
    [
      e(d.segment ?? ''),
      d.segment === undefined ? '' : num(d.segmentRepetition ?? 1),
      num(d.field),
      join([code.code, e(code.text), 'HL70357'], dl.subcomponent),
    ],
    dl.component,
  );
}

function firstErrorCode(diagnostics: readonly Diagnostic[], rank: number): Hl7ErrorCode | undefined {
  const first = diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0];
  return first === undefined ? undefined : hl7Code(first, rank);
}

function mshSegment(src: AckSource, dl: AckDelimiters, rank: number, options: AckOptions): string {
  const e = (v: string): string => escapeValue(v, dl);
  const event = src.triggerEvent === undefined ? '' : e(src.triggerEvent);
  const messageType = rank >= V2_3_1 ? join(['ACK', event, 'ACK'], dl.component) : join(['ACK', event], dl.component);
  const fields = [
    'MSH',
    encodingCharacters(dl),
    src.receivingApplication ?? '',
    src.receivingFacility ?? '',
    src.sendingApplication ?? '',
    src.sendingFacility ?? '',
    // Escaped like every value: '+' (time zone) or '.' (version) may be a separator here.
    e(hl7Timestamp(options.now ?? new Date())),
    '',
    messageType,
    e(options.controlId ?? newControlId()),
    e(src.processingId ?? 'P'),
    e(src.version ?? ''),
  ];
  // MSH-1 is the field separator itself: 'MSH' + '|' + MSH-2 ...
  return join(fields, dl.field);
}

/**
 * Builds the ACK for a parsed message (or just its header) as ER7 text with the message's
 * own delimiters. Sender and receiver are swapped (raw values kept as sent), MSA-2 echoes
 * MSH-10, and each diagnostic becomes an ERR (v2.5+) or an ERR-1 repetition (v2.1-2.4).
 */
export function buildAck(input: AckInput, options: AckOptions): string {
  if (!Object.hasOwn(ACK_CODES, options.code)) throw new Hl7AckError(`unknown acknowledgment code (expected one of ${Object.keys(ACK_CODES).join(', ')})`);
  const src = ackSourceOf(input);
  const dl = src.delimiters;
  const rank = versionRank(src.version);
  const e = (v: string): string => escapeValue(v, dl);
  const diagnostics = options.diagnostics ?? [];
  const segments = [mshSegment(src, dl, rank, options)];

  const textInMsa = rank < V2_7 && options.text !== undefined;
  const msa = ['MSA', options.code, e(src.controlId ?? ''), textInMsa ? e(options.text ?? '') : ''];
  if (rank < V2_5) {
    const first = firstErrorCode(diagnostics, rank);
    if (first !== undefined) msa.push('', '', join([first.code, e(first.text), 'HL70357'], dl.component));
  }
  segments.push(join(msa, dl.field));

  if (rank >= V2_5) {
    const userText = rank >= V2_7 ? options.text : undefined;
    diagnostics.forEach((d, i) => segments.push(errV25(d, rank, dl, i === 0 ? userText : undefined)));
    if (diagnostics.length === 0 && userText !== undefined) {
      // v2.7+: MSA-3 is withdrawn, so the text travels in ERR-8 of an ERR of its own.
      const accepted = options.code === 'AA' || options.code === 'CA';
      const code = accepted ? HL7_ERROR_CODES.MESSAGE_ACCEPTED : HL7_ERROR_CODES.APPLICATION_INTERNAL_ERROR;
      segments.push(join(['ERR', '', '', join([code.code, e(code.text), 'HL70357'], dl.component), accepted ? 'I' : 'E', '', '', '', e(userText)], dl.field));
    }
  } else if (diagnostics.length > 0) {
    segments.push(join(['ERR', diagnostics.map((d) => eld(d, rank, dl)).join(dl.repetition)], dl.field));
  }
  return `${segments.join('\r')}\r`;
}
