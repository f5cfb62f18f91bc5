/** Issue 13, "One meaning of ACK on every transport": the table of docs/ack.md, row by row. */
import { describe, expect, it } from '@jest/globals';
import { parseMessage, readHeader } from '@hcdl/hl7v2';
import {
  ackFor,
  ackModeOf,
  type ApplicationConfig,
  createApplicationAcks,
  createOutcomeWatch,
  diagnosticOfErrorRecord,
  notStoredAck,
  type SubmitOutcome,
} from '../../src/index';
import { adt, testApp } from '../support';

/** An ADT^A01 in enhanced mode: MSH-15 / MSH-16 as given. */
const enhanced = (control: string, accept: string, application: string, text = adt(control)): string =>
  text.replace(`|${control}|P|2.5\r`, `|${control}|P|2.5|||${accept}|${application}\r`);

const msa = (ack: string): [string, string, string] => {
  const m = parseMessage(ack);
  return [m.get('MSA-1') ?? '', m.get('MSA-2') ?? '', m.get('MSA-3') ?? ''];
};

const accepted = (status: 'ingested' | 'duplicate', text: string): SubmitOutcome => ({
  kind: 'accepted',
  header: readHeader(text),
  messages: [{ status, messageId: '01JB0000000000000000000000', controlId: 'C-1', messageType: 'ADT^A01' }],
});

describe('the accept-level ACK: one meaning on both transports', () => {
  it('a duplicate is AA "already stored" over HTTP and MLLP alike (it was AE over HTTP)', () => {
    const outcome = accepted('duplicate', adt('C-1'));
    const http = ackFor(outcome, 'http');
    const mllp = ackFor(outcome, 'mllp');
    expect(msa(http.ack)).toEqual(['AA', 'C-1', 'duplicate of message 01JB0000000000000000000000; already stored']);
    expect(msa(mllp.ack)).toEqual(msa(http.ack));
    expect(http.code).toBe(mllp.code);
  });

  it('original mode (MSH-15/16 empty): AA stored, AR not HL7 with located ERR, AR not stored', () => {
    expect(ackModeOf(readHeader(adt('C-1')))).toEqual({ enhanced: false, accept: 'AL', application: 'NE' });
    expect(ackFor(accepted('ingested', adt('C-1'))).code).toBe('AA');
    const notHl7 = ackFor({
      kind: 'not-hl7',
      messageId: '01JB0000000000000000000000',
      diagnostics: [
        {
          code: 'SEGMENT_OUTSIDE_MESSAGE',
          severity: 'error',
          message: 'PID segment is not inside any message',
          location: 'PID[1]',
          line: 3,
          column: 1,
          segment: 'PID',
        },
      ],
    });
    expect(notHl7.code).toBe('AR');
    const err = notHl7.ack.split('\r').find((s) => s.startsWith('ERR|'));
    expect(err?.split('|').slice(2, 6)).toEqual(['PID^1', '100^Segment sequence error^HL70357', 'E', 'SEGMENT_OUTSIDE_MESSAGE']);
    expect(notStoredAck(readHeader(adt('C-1'))).code).toBe('AR');
  });

  it('enhanced mode: CA stored or duplicate, CR refused, CE not stored; MSH-15 says which are sent', () => {
    const h = readHeader(enhanced('C-2', 'AL', 'AL'));
    expect(ackModeOf(h)).toEqual({ enhanced: true, accept: 'AL', application: 'AL' });
    expect(ackFor(accepted('ingested', enhanced('C-2', 'AL', 'AL')))).toMatchObject({ code: 'CA', send: true });
    expect(ackFor(accepted('duplicate', enhanced('C-2', 'AL', 'AL')))).toMatchObject({ code: 'CA', send: true });
    expect(ackFor({ kind: 'too-large', limit: 10 }, 'mllp', h)).toMatchObject({ code: 'CR', send: true });
    expect(notStoredAck(h)).toMatchObject({ code: 'CE', send: true });
    // NE: never; ER: only when not accepted; SU: only when accepted.
    expect(ackFor(accepted('ingested', enhanced('C-3', 'NE', 'AL'))).send).toBe(false);
    expect(ackFor(accepted('ingested', enhanced('C-4', 'ER', 'AL'))).send).toBe(false);
    expect(ackFor({ kind: 'too-large', limit: 10 }, 'mllp', readHeader(enhanced('C-4', 'ER', 'AL'))).send).toBe(true);
    expect(ackFor(accepted('ingested', enhanced('C-5', 'SU', 'NE'))).send).toBe(true);
    // MSH-16 alone valued is enhanced mode too, MSH-15 then defaults to AL.
    expect(ackModeOf(readHeader(enhanced('C-6', '', 'AL')))).toEqual({ enhanced: true, accept: 'AL', application: 'AL' });
  });
});

describe('the application ACK: after staging, under the source policy', () => {
  const flattened = (control: string): string => enhanced(control, 'AL', 'AL').replace(/\r(?=.)/g, '');

  async function applicationAcksOf(text: string, config?: ApplicationConfig) {
    const t = testApp({}, config);
    const acks = createApplicationAcks({ catalog: t.catalog, watch: createOutcomeWatch({ catalog: t.catalog, pollMs: 5 }), timeoutMs: 5_000 });
    const outcome = await t.submit(text);
    // The hub delivers (staging runs) while the ACK waits for the outcome.
    const [out] = await Promise.all([acks.collect(outcome, undefined), t.settle()]);
    return { t, outcome, acks: out, asked: acks.asked(outcome.kind === 'accepted' ? outcome.header : undefined) };
  }

  it('AA when the message was staged', async () => {
    const { acks, asked } = await applicationAcksOf(enhanced('APP-1', 'AL', 'AL'));
    expect(asked).toBe(true);
    expect(acks.map((a) => [a.status, a.code, a.send, msa(a.ack)[1]])).toEqual([['staged', 'AA', true, 'APP-1']]);
  });

  it('AE with ERR-2 location, ERR-3 code and ERR-4 severity when the message is invalid under the standard policy', async () => {
    const { acks } = await applicationAcksOf(flattened('APP-2'));
    expect(acks).toHaveLength(1);
    const [a] = acks;
    expect([a?.status, a?.code, msa(a?.ack ?? '')[1]]).toEqual(['error', 'AE', 'APP-2']);
    const errs = (a?.ack ?? '').split('\r').filter((s) => s.startsWith('ERR|'));
    expect(errs.map((e) => e.split('|').slice(2, 6))).toEqual(
      expect.arrayContaining([
        ['PID^1', '100^Segment sequence error^HL70357', 'E', 'POLICY_REQUIRED_SEGMENT_MISSING'],
        ['PV1^1', '100^Segment sequence error^HL70357', 'E', 'POLICY_REQUIRED_SEGMENT_MISSING'],
      ]),
    );
  });

  it('the same message under a lenient source is AA: the ACK says what the policy decided', async () => {
    const { acks } = await applicationAcksOf(flattened('APP-3'), {
      maxBodyBytes: 1 << 20,
      dedupWindowSeconds: 3600,
      validation: { default: 'lenient', sources: {} },
    });
    expect(acks.map((a) => a.code)).toEqual(['AA']);
  });

  it('a resent message answers its original outcome and says it is a duplicate (MSH-15 NE leaves no other answer)', async () => {
    const text = enhanced('APP-7', 'NE', 'AL');
    const { t, acks: first } = await applicationAcksOf(text);
    expect(first.map((a) => [a.code, msa(a.ack)[2]])).toEqual([['AA', `staged as ${first[0]?.messageId}`]]);
    const acks = createApplicationAcks({ catalog: t.catalog, watch: createOutcomeWatch({ catalog: t.catalog, pollMs: 5 }), timeoutMs: 5_000 });
    const again = await t.submit(text);
    expect(again).toMatchObject({ kind: 'accepted', messages: [{ status: 'duplicate' }] });
    const [second] = await Promise.all([acks.collect(again, undefined), t.settle()]);
    const id = first[0]?.messageId ?? '';
    expect(second.map((a) => [a.messageId, a.code, a.send, msa(a.ack)[2]])).toEqual([[id, 'AA', true, `duplicate of message ${id}; already stored, staged`]]);
  });

  it('MSH-16 ER sends an application ACK only for an error, SU only for a success; NE asks none', async () => {
    const er = await applicationAcksOf(enhanced('APP-4', 'AL', 'ER'));
    expect(er.acks.map((a) => [a.code, a.send])).toEqual([['AA', false]]);
    const su = await applicationAcksOf(enhanced('APP-5', 'AL', 'SU'));
    expect(su.acks.map((a) => [a.code, a.send])).toEqual([['AA', true]]);
    const ne = await applicationAcksOf(enhanced('APP-6', 'AL', 'NE'));
    expect(ne.asked).toBe(false);
  });

  it('a catalog diagnostic reads back into its located parts', () => {
    expect(diagnosticOfErrorRecord({ code: 'X', severity: 'error', message: 'm', location: 'PID[1]-3[2].4.2', line: 3, column: 9 })).toMatchObject({
      segment: 'PID',
      segmentRepetition: 1,
      field: 3,
      repetition: 2,
      component: 4,
      subcomponent: 2,
    });
    expect(diagnosticOfErrorRecord({ code: 'X', severity: 'error', message: 'm', location: 'line 4', line: 4 }).segment).toBeUndefined();
  });
});
