import { beforeAll, describe, expect, it } from '@jest/globals';
import { convertMessage } from '../src/index';
import { corpusMessages } from './support/corpus';
import { loadValidator, type Validate } from './support/validator';

let validate: Validate;
beforeAll(async () => {
  validate = await loadValidator();
}, 120_000);

describe('every resource made from every corpus message is valid FHIR R4', () => {
  it('the validator rejects what R4 forbids', () => {
    expect(validate({ resourceType: 'Patient', id: 'p1', birthDate: '1990-13-01' })).toBeDefined();
    expect(validate({ resourceType: 'Observation', id: 'o1', code: { text: 'x' } })).toMatch(/status/);
    expect(validate({ resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1990-12-01' })).toBeUndefined();
  });

  it('validates each resource and each bundle', () => {
    const messages = corpusMessages();
    expect(messages.length).toBeGreaterThan(400);
    const failures: string[] = [];
    let resources = 0;
    for (const c of messages) {
      const result = convertMessage(c.message, { messageId: '01HZX3M8Q4W5E6R7T8Y9U0I1O2', source: 'corpus' });
      for (const r of result.resources) {
        resources++;
        const error = validate(r);
        if (error !== undefined) failures.push(`${c.name} ${r.resourceType}: ${error}`);
      }
      const bundleError = validate(result.bundle);
      if (bundleError !== undefined) failures.push(`${c.name} Bundle: ${bundleError}`);
    }
    expect(resources).toBeGreaterThan(5000);
    expect(failures.slice(0, 30)).toEqual([]);
  }, 300_000);
});
