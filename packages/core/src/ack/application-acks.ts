import { buildAck, type Diagnostic, type MessageHeader } from '@hcdl/hl7v2';
import { allItems, type Catalog, type ErrorRecord, type MessageRecord, MessageStatus } from '@hcdl/lake';
import type { Ack } from '../ack';
import { boundedDiagnostic } from '../ingest/bounded';
import type { SubmitOutcome } from '../submit/submit';
import { ackModeOf, AckCondition, wanted } from './ack-mode';
import type { OutcomeWatch } from './outcome-watch';

/** The application ACK of one message: what staging made of it under its source's policy. */
export interface ApplicationAck extends Ack {
  messageId: string;
  /** `staged` (AA) or `error` (AE, the located diagnostics in ERR). */
  status: 'staged' | 'error';
  /** The located diagnostics of an AE (errors of the last attempt, at most MAX_ACK_DIAGNOSTICS). */
  diagnostics: Diagnostic[];
}

/** Diagnostics an application ACK carries at most (errors first; the error zone keeps them all). */
export const MAX_ACK_DIAGNOSTICS = 20;

export interface ApplicationAcksDeps {
  catalog: Pick<Catalog, 'getMessage' | 'listErrors'>;
  watch: OutcomeWatch;
  /** Longest wait for a message's staging, in ms; past it no application ACK is given. */
  timeoutMs: number;
}

const LOCATION = /^([A-Z0-9]{3})\[(\d+)\](?:-(\d+)(?:\[(\d+)\])?(?:\.(\d+))?(?:\.(\d+))?)?$/;

/** A catalog diagnostic back as a located Diagnostic (ERR-2 needs the parts of `SEG[rep]-field[rep].comp.sub`). */
export function diagnosticOfErrorRecord(e: Pick<ErrorRecord, 'code' | 'severity' | 'message' | 'location' | 'line' | 'column'>): Diagnostic {
  const location = e.location ?? `line ${e.line ?? 1}`;
  const d: Diagnostic = { code: e.code, severity: e.severity, message: e.message, location, line: e.line ?? 1, column: e.column ?? 1 };
  const m = LOCATION.exec(location);
  if (m === null) return d;
  d.segment = m[1] as string;
  d.segmentRepetition = Number(m[2]);
  if (m[3] !== undefined) d.field = Number(m[3]);
  if (m[4] !== undefined) d.repetition = Number(m[4]);
  if (m[5] !== undefined) d.component = Number(m[5]);
  if (m[6] !== undefined) d.subcomponent = Number(m[6]);
  return d;
}

/** The header an ACK of a message of a batch answers: the message's own MSH fields as catalogued. */
function headerOfRow(row: MessageRecord, frame: MessageHeader | undefined): MessageHeader {
  const h: MessageHeader = {
    delimiters: frame?.delimiters ?? {
      field: '|',
      component: '^',
      repetition: '~',
      escape: '\\',
      subcomponent: '&',
      truncation: '',
      encodingCharacters: '^~\\&',
    },
  };
  if (row.controlId !== undefined) h.controlId = row.controlId;
  const event = row.messageType?.split('^')[1];
  if (event !== undefined && event !== '') h.triggerEvent = event;
  if (row.version !== undefined) h.version = row.version;
  if (row.sendingApplication !== undefined) h.sendingApplication = row.sendingApplication;
  if (row.sendingFacility !== undefined) h.sendingFacility = row.sendingFacility;
  return h;
}

/**
 * Application ACKs (enhanced mode MSH-16, or HTTP `?ack=application`): sent once a message's
 * staging has ended, AA when it was staged, AE with the located diagnostics (ERR-2 location,
 * ERR-3 HL7 table 0357, ERR-4 severity) when it went to the error zone, e.g. invalid under the
 * source's validation policy. A duplicate answers its original's outcome, its text starting
 * `duplicate of message <id>; already stored` as the accept ACK's does. One per message of
 * the submission; a message still waiting when the wait runs out gets none.
 */
export function createApplicationAcks(deps: ApplicationAcksDeps) {
  async function diagnosticsOf(row: MessageRecord): Promise<Diagnostic[]> {
    const out: Diagnostic[] = [];
    for await (const e of allItems((cursor) => deps.catalog.listErrors({ messageId: row.messageId, ...(cursor !== undefined ? { cursor } : {}) }))) {
      if (e.attempt === row.attempts && e.severity === 'error') out.push(diagnosticOfErrorRecord(e));
      if (out.length >= MAX_ACK_DIAGNOSTICS) break;
    }
    return out.map(boundedDiagnostic);
  }

  async function ackOf(messageId: string, header: MessageHeader, force: boolean, resent: boolean): Promise<ApplicationAck | undefined> {
    const row = await deps.watch.wait(messageId, deps.timeoutMs);
    if (row === undefined || row.status === MessageStatus.Ingested) return undefined;
    const ok = row.status === MessageStatus.Staged;
    const send = force || wanted(ackModeOf(header).application, ok);
    // A sender that asked for no accept ACK (MSH-15 NE) learns only here that it resent a stored message.
    const duplicate = resent ? `duplicate of message ${messageId}; already stored, ` : undefined;
    if (ok) {
      const text = duplicate !== undefined ? `${duplicate}staged` : `staged as ${messageId}`;
      return { messageId, status: 'staged', code: 'AA', text, send, diagnostics: [], ack: buildAck(header, { code: 'AA', text }) };
    }
    const diagnostics = await diagnosticsOf(row);
    const text = `${duplicate ?? `message ${messageId} is `}kept in the error zone: not valid under the source's validation policy or not parseable`;
    return {
      messageId,
      status: 'error',
      code: 'AE',
      text,
      send,
      diagnostics,
      ack: buildAck(header, diagnostics.length > 0 ? { code: 'AE', text, diagnostics } : { code: 'AE', text }),
    };
  }

  return {
    /** Whether the sender's MSH-16 asks for application ACKs (AL, ER or SU). */
    asked(header: MessageHeader | undefined): boolean {
      const mode = ackModeOf(header);
      return mode.enhanced && mode.application !== AckCondition.Never;
    },
    /**
     * The application ACKs of an accepted submission, in message order, once each message's
     * staging has ended. `force` (HTTP `?ack=application`) marks them all to be sent, whatever MSH-16 says.
     */
    async collect(outcome: SubmitOutcome, header: MessageHeader | undefined, options: { force?: boolean } = {}): Promise<ApplicationAck[]> {
      if (outcome.kind !== 'accepted') return [];
      const single = outcome.batchId === undefined && outcome.messages.length === 1;
      const acks = await Promise.all(
        outcome.messages.map(async (m) => {
          const h = single ? (header ?? outcome.header) : undefined;
          const duplicate = m.status !== 'ingested';
          if (h !== undefined) return ackOf(m.messageId, h, options.force === true, duplicate);
          const row = await deps.catalog.getMessage(m.messageId);
          return row === undefined ? undefined : ackOf(m.messageId, headerOfRow(row, header ?? outcome.header), options.force === true, duplicate);
        }),
      );
      return acks.filter((a): a is ApplicationAck => a !== undefined);
    },
  };
}

export type ApplicationAcks = ReturnType<typeof createApplicationAcks>;
