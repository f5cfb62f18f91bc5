import { describe, expect, it } from '@jest/globals';
import { failedEvent, ingestedEvent, stagedEvent } from '../src/event-builders';
import { HubEventName } from '../src/events';
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
const workKey = `work/staging/${record.messageId}.3.json`;

describe('event builders', () => {
  it('ingested: attributes from the record, raw pointer, next attempt', () => {
    expect(ingestedEvent(record, at)).toEqual({
      attributes: { event: HubEventName.Ingested, protocol: 'hl7v2', format: 'er7', source: 'lab-1', messageType: 'ADT^A08' },
      body: { messageId: record.messageId, source: 'lab-1', rawKey: record.rawKey, attempt: 3, at },
    });
  });

  it('staged: work pointer, attempt and structure', () => {
    expect(stagedEvent(record, { workKey, structure: 'ADT_A01', attempt: 3 }, at)).toEqual({
      attributes: { event: HubEventName.Staged, protocol: 'hl7v2', format: 'er7', source: 'lab-1', messageType: 'ADT^A08' },
      body: { messageId: record.messageId, source: 'lab-1', rawKey: record.rawKey, workKey, attempt: 3, structure: 'ADT_A01', at },
    });
  });

  it('staged: no structure key at all when the structure is unknown', () => {
    const e = stagedEvent(record, { workKey, attempt: 3 }, at);
    expect(Object.keys(e.body)).not.toContain('structure');
  });

  it('failed: stage, attempt and diagnostics', () => {
    const diagnostics = [{ code: 'NO_MSH', severity: 'error', line: 1 }];
    expect(failedEvent(record, { attempt: 3, stage: 'parse', diagnostics }, at)).toEqual({
      attributes: { event: HubEventName.Failed, protocol: 'hl7v2', format: 'er7', source: 'lab-1', messageType: 'ADT^A08' },
      body: { messageId: record.messageId, source: 'lab-1', rawKey: record.rawKey, attempt: 3, stage: 'parse', diagnostics, at },
    });
  });

  it('names the type UNKNOWN when the message has none (not HL7, no MSH-9)', () => {
    const { messageType: _omit, ...untyped } = record;
    for (const e of [
      ingestedEvent(untyped, at),
      stagedEvent(untyped, { workKey, attempt: 1 }, at),
      failedEvent(untyped, { attempt: 1, stage: 'parse', diagnostics: [] }, at),
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
      stagedEvent(record, { workKey, structure: 'ADT_A01', attempt: 3 }, at),
      failedEvent(record, { attempt: 3, stage: 'parse', diagnostics: [] }, at),
    ];
    for (const e of events) {
      const wire = JSON.stringify(e);
      for (const secret of ['CTL-SECRET-1', 'PAT-SECRET-1', 'Hôpital', 'user-secret-sub']) expect(wire).not.toContain(secret);
      expect(JSON.parse(wire)).toEqual(e);
    }
  });
});
