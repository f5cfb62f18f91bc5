import { describe, expect, it } from '@jest/globals';
import { AccessDeniedError, CatalogConflictError, LakeError, NotFoundError, ObjectAlreadyExistsError, PortClosedError, ValidationError } from '../src/errors';

describe('lake error family', () => {
  const cause = new Error('ConditionalCheckFailedException');
  const cases: [string, LakeError][] = [
    ['NotFoundError', new NotFoundError('missing', { cause })],
    ['CatalogConflictError', new CatalogConflictError('lost the race', { cause })],
    ['ObjectAlreadyExistsError', new ObjectAlreadyExistsError('raw/x.hl7', { cause })],
    ['AccessDeniedError', new AccessDeniedError('no', { cause })],
    ['ValidationError', new ValidationError('bad', { cause })],
    ['PortClosedError', new PortClosedError('closed', { cause })],
  ];

  it.each(cases)('%s is a LakeError and an Error, with its name and cause', (name, err) => {
    expect(err).toBeInstanceOf(LakeError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.cause).toBe(cause);
    expect(String(err)).toMatch(new RegExp(`^${name}: `));
  });

  it('keeps the subclasses apart for instanceof matching', () => {
    for (const [, a] of cases) {
      const matches = cases.filter(([, b]) => a instanceof (b.constructor as typeof LakeError));
      expect(matches).toHaveLength(1);
    }
  });

  it('names the key in ObjectAlreadyExistsError', () => {
    expect(new ObjectAlreadyExistsError('raw/source=lab/a.hl7').message).toBe('object already exists: raw/source=lab/a.hl7');
  });

  it('works without a cause', () => {
    const err = new LakeError('plain');
    expect(err.name).toBe('LakeError');
    expect(err.cause).toBeUndefined();
  });
});
