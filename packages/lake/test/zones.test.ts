import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../src/errors';
import { newMessageId } from '../src/ids';
import { assertSource, dayOf, errorKey, errorReportKey, parseZoneKey, rawBatchKey, rawKey, stagingKey, workStagingKey } from '../src/zones';

// 2024-02-29T23:59:59.999Z and the next millisecond: the day partition follows the id's time (UTC).
const LEAP_END = Date.UTC(2024, 1, 29, 23, 59, 59, 999);
const id = newMessageId(LEAP_END);
const next = newMessageId(LEAP_END + 1);

describe('zone key builders', () => {
  it('raw: source, protocol, format and day partitions, then <id>.hl7', () => {
    expect(rawKey('lab-1', id)).toBe(`raw/source=lab-1/protocol=hl7v2/format=er7/dt=2024-02-29/${id}.hl7`);
  });

  it('raw batch: format=er7-batch, day of the batch id', () => {
    expect(rawBatchKey('lab-1', next)).toBe(`raw/source=lab-1/protocol=hl7v2/format=er7-batch/dt=2024-03-01/${next}.hl7`);
  });

  it('staging: format=json and the structure as type partition', () => {
    expect(stagingKey('ris', 'ADT_A01', id)).toBe(`staging/source=ris/protocol=hl7v2/format=json/type=ADT_A01/dt=2024-02-29/${id}.json`);
  });

  it('staging: an unknown structure is type=UNKNOWN', () => {
    expect(stagingKey('ris', undefined, id)).toContain('/type=UNKNOWN/');
    expect(stagingKey('ris', '', id)).toContain('/type=UNKNOWN/');
  });

  it('error: the message and its report side by side', () => {
    expect(errorKey('lab', id)).toBe(`error/source=lab/protocol=hl7v2/dt=2024-02-29/${id}.hl7`);
    expect(errorReportKey('lab', id)).toBe(`error/source=lab/protocol=hl7v2/dt=2024-02-29/${id}.error.json`);
  });

  it('work: one hand-off per attempt, outside the zones', () => {
    expect(workStagingKey(id, 1)).toBe(`work/staging/${id}.1.json`);
    expect(workStagingKey(id, 2)).not.toBe(workStagingKey(id, 1));
  });

  it('partitions by day in UTC from the id time', () => {
    expect(dayOf(id)).toBe('2024-02-29');
    expect(dayOf(next)).toBe('2024-03-01');
    expect(rawKey('lab', next)).toContain('/dt=2024-03-01/');
  });

  it('puts different sources and types under different prefixes', () => {
    expect(rawKey('lab', id).startsWith('raw/source=lab/')).toBe(true);
    expect(rawKey('lab2', id).startsWith('raw/source=lab/')).toBe(false);
    expect(stagingKey('lab', 'ORU_R01', id)).not.toBe(stagingKey('lab', 'ADT_A01', id));
  });
});

describe('parseZoneKey', () => {
  it('reads every partition of each key builder back', () => {
    expect(parseZoneKey(rawKey('lab', id))).toEqual({
      zone: 'raw',
      partitions: { source: 'lab', protocol: 'hl7v2', format: 'er7', dt: '2024-02-29' },
      file: `${id}.hl7`,
    });
    expect(parseZoneKey(stagingKey('lab', 'ORU_R01', id)).partitions).toEqual({
      source: 'lab',
      protocol: 'hl7v2',
      format: 'json',
      type: 'ORU_R01',
      dt: '2024-02-29',
    });
    expect(parseZoneKey(errorReportKey('lab', id))).toMatchObject({ zone: 'error', file: `${id}.error.json` });
    expect(parseZoneKey(workStagingKey(id, 3))).toEqual({ zone: 'work', partitions: {}, file: `${id}.3.json` });
  });

  it('keeps "=" inside a partition value and ignores segments without one', () => {
    expect(parseZoneKey('raw/a=b=c/plain/=x/f.hl7').partitions).toEqual({ a: 'b=c' });
  });
});

describe('hostile values', () => {
  it.each(['', '.', '..', '../x', 'a/b', 'a\\b', '/abs', 'lab/../../etc', '.hidden', '-dash', 'a b', 'lab%2F..', 'é', 'a'.repeat(65), 'src=x', 'lab\u0000'])(
    'refuses the source %j in every key builder',
    (source) => {
      expect(() => assertSource(source)).toThrow(ValidationError);
      for (const build of [rawKey, rawBatchKey, errorKey, errorReportKey]) expect(() => build(source, id)).toThrow(ValidationError);
      expect(() => stagingKey(source, 'ADT_A01', id)).toThrow(ValidationError);
    },
  );

  it.each(['lab', 'LAB-2', 'a', 'x.y_z-1', '0', 'a'.repeat(64)])('accepts the source %j', (source) => {
    expect(assertSource(source)).toBe(source);
    expect(parseZoneKey(rawKey(source, id)).partitions.source).toBe(source);
  });

  it.each(['../../etc', '..', 'ADT/A01', 'a\\b', 'type=x', 'ORU^R01', 'Ä', ' '])('keeps the structure %j inside one safe type partition', (structure) => {
    const key = stagingKey('lab', structure, id);
    const parts = key.split('/');
    expect(parts).toHaveLength(7);
    expect(parts).not.toContain('..');
    const type = parseZoneKey(key).partitions.type as string;
    expect(type).toMatch(/^[A-Za-z0-9_]+$/);
  });

  it.each(['', '../../x', '..', 'a/b', id.toLowerCase(), `${id}/..`, 'x'.repeat(26)])('refuses the message id %j in every key builder', (bad) => {
    for (const build of [rawKey, rawBatchKey, errorKey, errorReportKey]) expect(() => build('lab', bad)).toThrow(ValidationError);
    expect(() => stagingKey('lab', 'ADT_A01', bad)).toThrow(ValidationError);
    expect(() => workStagingKey(bad, 1)).toThrow(ValidationError);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses the attempt %p in the work key', (attempt) => {
    expect(() => workStagingKey(id, attempt)).toThrow(ValidationError);
  });
});
