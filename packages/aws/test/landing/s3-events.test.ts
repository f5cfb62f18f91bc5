/** S3 "Object Created" events as EventBridge delivers them to the landing queue. */
import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@hcdl/lake';
import { s3CreatedObjectOf, s3CreatedObjectOfSqsBody } from '../../src/landing/s3-events';
import { s3ObjectCreatedEvent } from '../loader/support/events';

describe('s3CreatedObjectOf', () => {
  it('reads bucket, key (as stored), size, time, the version fingerprint and the requester', () => {
    const event = s3ObjectCreatedEvent({ bucket: 'lake', key: 'landing/source=lab/a b+c:d.hl7', size: 42, versionId: 'v-1' });
    expect(s3CreatedObjectOf(event)).toEqual({
      bucket: 'lake',
      key: 'landing/source=lab/a b+c:d.hl7',
      size: 42,
      writtenAt: new Date(event.time),
      fingerprint: 'lake/landing/source=lab/a b+c:d.hl7#v-1',
      principal: '123456789012',
    });
    expect(s3CreatedObjectOfSqsBody(JSON.stringify(event)).key).toBe('landing/source=lab/a b+c:d.hl7');
  });

  it('without a version id (an unversioned bucket) the ETag and sequencer identify the object version', () => {
    const event = s3ObjectCreatedEvent({ bucket: 'lake', key: 'k', size: 1 });
    const { etag, sequencer } = event.detail.object;
    expect(s3CreatedObjectOf(event).fingerprint).toBe(`lake/k#${etag}#${sequencer}`);
  });

  it('refuses other events and malformed ones without quoting them', () => {
    const ok = s3ObjectCreatedEvent({ bucket: 'lake', key: 'k', size: 1 });
    for (const bad of [
      'PID|1||123',
      { ...ok, 'detail-type': 'Object Deleted' },
      { ...ok, detail: { ...ok.detail, object: { ...ok.detail.object, size: -1 } } },
      { ...ok, time: 'yesterday' },
    ]) {
      const run = () => (typeof bad === 'string' ? s3CreatedObjectOfSqsBody(bad) : s3CreatedObjectOf(bad));
      expect(run).toThrow(ValidationError);
      try {
        run();
      } catch (err) {
        expect((err as Error).message).not.toContain('PID');
      }
    }
  });
});
