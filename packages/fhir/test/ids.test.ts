import { describe, expect, it } from '@jest/globals';
import { murmur3x128 } from '../src/hash';
import { deterministicId, isFhirId } from '../src/index';

describe('deterministic ids', () => {
  // Known answers of MurmurHash3 x86 128 (seed 0) over UTF-8, from an independent implementation.
  it.each([
    ['', '00000000000000000000000000000000'],
    ['a', 'a794933c5556b01b5556b01b5556b01b'],
    ['Hello, world!', '26acdba7f0638dfc402b42630afdd4c3'],
    ['The quick brown fox jumps over the lazy dog', '2f1583c3ecee2c675d7bf66ce5e91d2c'],
    ['Patient\u0000GENHOSP#MR#12345', '60915e7504961c81d1b1c0bc7abfe2ac'],
    ['é漢字🙂x', 'f70018707c03df5a1dbc5e4d5066b03e'],
  ])('hashes %j as the reference MurmurHash3 x86_128', (text, hex) => {
    expect(murmur3x128(text)).toBe(hex);
  });

  it('gives a UUID-shaped FHIR id, the same for the same key and another for another type or key', () => {
    const id = deterministicId('Patient', 'GENHOSP#MR#12345');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(isFhirId(id)).toBe(true);
    expect(deterministicId('Patient', 'GENHOSP#MR#12345')).toBe(id);
    expect(deterministicId('Encounter', 'GENHOSP#MR#12345')).not.toBe(id);
    expect(deterministicId('Patient', 'GENHOSP#MR#12346')).not.toBe(id);
  });
});
