import { describe, expect, it } from '@jest/globals';
import { failedEvent, ingestedEvent, stagedEvent } from '../src/event-builders';
import { HubEventName, MAX_EVENT_CODES } from '../src/events';
import { messageRecord, T0 } from '../src/testing/catalog-fixtures';

const record = messageRecord('lab-1', T0, {
  messageType: 'ADT^A08',
  controlId: 'CTL-SECRET-1',
  patientId: 'PAT-SECRET-1',
  sendingFacility: 'Hôpital Élan',
  submittedBy: 'user-secret-sub',
  attempts: 2,
});
const at = new Date(T0 + 99).toISOString();
const stagingKey = `staging/source=lab-1/protocol=hl7v2/format=json/type=ADT_A01/dt=2024-01-01/${record.messageId}.json`;
const errorKey = `error/source=lab-1/protocol=hl7v2/dt=2024-01-01/${record.messageId}.hl7`;
const attributes = (event: string) => ({ event, protocol: 'hl7v2', format: 'er7', source: 'lab-1', messageType: 'ADT^A08' });

describe('event builders', () => {
  it('ingested: attributes from the record, raw pointer, next attempt', () => {
    expect(ingestedEvent(record, at)).toEqual({
      attributes: attributes(HubEventName.Ingested),
      body: { messageId: record.messageId, source: 'lab-1', rawKey: record.rawKey, attempt: 3, at },
    });
  });

  it('staged: the staging zone key, the attempt the row records, and the structure', () => {
    expect(stagedEvent({ ...record, stagingKey, structure: 'ADT_A01' }, at)).toEqual({
      attributes: attributes(HubEventName.Staged),
      body: { messageId: record.messageId, source: 'lab-1', rawKey: record.rawKey, stagingKey, attempt: 2, structure: 'ADT_A01', at },
    });
  });

  it('staged: no structure key at all when the structure is unknown', () => {
    const { structure: _none, ...row } = { ...record, stagingKey, structure: undefined };
    expect(Object.keys(stagedEvent(row, at).body)).not.toContain('structure');
  });

  it('failed: the error zone key, stage, count and the distinct error codes, never diagnostic text', () => {
    const diagnostics = [
      { code: 'NO_MSH', severity: 'error', message: 'quotes PID|1||SECRET' },
      { code: 'NO_MSH', severity: 'error', message: 'again' },
      { code: 'FIELD_TOO_LONG', severity: 'warning', message: 'w' },
      { code: 'SEGMENT_UNKNOWN', severity: 'error', message: 'x' },
    ];
    const e = failedEvent({ ...record, errorKey }, { stage: 'parse', diagnostics }, at);
    expect(e).toEqual({
      attributes: attributes(HubEventName.Failed),
      body: {
        messageId: record.messageId,
        source: 'lab-1',
        rawKey: record.rawKey,
        errorKey,
        attempt: 2,
        stage: 'parse',
        errors: 4,
        codes: ['NO_MSH', 'SEGMENT_UNKNOWN'],
        at,
      },
    });
    expect(JSON.stringify(e)).not.toContain('SECRET');
  });

  it(`failed: lists at most ${MAX_EVENT_CODES} codes`, () => {
    const diagnostics = Array.from({ length: MAX_EVENT_CODES + 5 }, (_, i) => ({ code: `C${i}`, severity: 'error' }));
    const e = failedEvent({ ...record, errorKey }, { stage: 'parse', diagnostics }, at);
    expect(e.body.codes).toHaveLength(MAX_EVENT_CODES);
    expect(e.body.errors).toBe(MAX_EVENT_CODES + 5);
  });

  it('names the type UNKNOWN when the message has none (not HL7, no MSH-9)', () => {
    const { messageType: _omit, ...untyped } = record;
    for (const e of [
      ingestedEvent(untyped, at),
      stagedEvent({ ...untyped, stagingKey }, at),
      failedEvent({ ...untyped, errorKey }, { stage: 'parse', diagnostics: [] }, at),
    ]) {
      expect(e.attributes.messageType).toBe('UNKNOWN');
    }
  });

  it('stamps the current time when no instant is given', () => {
    const before = Date.now();
    const e = ingestedEvent(record);
    expect(Date.parse(e.body.at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(e.body.at)).toBeLessThanOrEqual(Date.now());
    expect(e.body.at).toBe(new Date(Date.parse(e.body.at)).toISOString());
  });

  it('carries pointers only: no control id, patient, facility or submitter (claim check)', () => {
    const events = [
      ingestedEvent(record, at),
      stagedEvent({ ...record, stagingKey }, at),
      failedEvent({ ...record, errorKey }, { stage: 'parse', diagnostics: [] }, at),
    ];
    for (const e of events) {
      const wire = JSON.stringify(e);
      for (const secret of ['CTL-SECRET-1', 'PAT-SECRET-1', 'Hôpital', 'user-secret-sub']) expect(wire).not.toContain(secret);
      expect(JSON.parse(wire)).toEqual(e);
    }
  });
});
