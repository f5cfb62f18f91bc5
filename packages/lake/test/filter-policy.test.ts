import { describe, expect, it } from '@jest/globals';
import { matchesFilterPolicy, type Attributes } from '../src/filter-policy';
import type { FilterPolicy } from '../src/ports/hub';

/** [attributes, expected] pairs for one policy. */
type Table = [Attributes, boolean][];

function check(policy: FilterPolicy, table: Table): void {
  for (const [attributes, expected] of table) {
    expect({ attributes, matched: matchesFilterPolicy(policy, attributes) }).toEqual({ attributes, matched: expected });
  }
}

describe('matchesFilterPolicy: combining', () => {
  it('matches everything with an empty policy', () => {
    check({}, [
      [{}, true],
      [{ event: 'ingested' }, true],
    ]);
  });

  it('ANDs the attributes and ORs the values of one attribute', () => {
    const policy = { event: ['staged', 'failed'], protocol: ['hl7v2'] };
    check(policy, [
      [{ event: 'staged', protocol: 'hl7v2' }, true],
      [{ event: 'failed', protocol: 'hl7v2', extra: 'ignored' }, true],
      [{ event: 'ingested', protocol: 'hl7v2' }, false],
      [{ event: 'staged', protocol: 'fhir' }, false],
      [{ event: 'staged' }, false],
    ]);
  });

  it('never matches an attribute with no conditions (empty list)', () => {
    check({ event: [] }, [
      [{ event: 'x' }, false],
      [{}, false],
    ]);
  });

  it('$or: one of the sub-policies must match, together with the top-level keys', () => {
    const policy: FilterPolicy = { source: ['lab'], $or: [{ event: ['failed'] }, { messageType: [{ prefix: 'ORU' }], event: ['staged'] }] };
    check(policy, [
      [{ source: 'lab', event: 'failed' }, true],
      [{ source: 'lab', event: 'staged', messageType: 'ORU^R01' }, true],
      [{ source: 'lab', event: 'staged', messageType: 'ADT^A01' }, false],
      [{ source: 'ris', event: 'failed' }, false],
      [{ source: 'lab', event: 'ingested' }, false],
    ]);
  });

  it('$or nests', () => {
    const policy: FilterPolicy = { $or: [{ a: ['1'] }, { $or: [{ b: ['2'] }, { c: [{ exists: true }] }] }] };
    check(policy, [
      [{ a: '1' }, true],
      [{ b: '2' }, true],
      [{ c: '' }, true],
      [{ a: '2', b: '1' }, false],
    ]);
  });

  it('does not read attributes from the object prototype', () => {
    check({ toString: [{ exists: true }] }, [[{}, false]]);
    check({ constructor: [{ exists: false }] }, [[{}, true]]);
  });
});

describe('matchesFilterPolicy: string conditions', () => {
  it('exact string: case-, space- and type-sensitive', () => {
    check({ t: ['ADT^A01'] }, [
      [{ t: 'ADT^A01' }, true],
      [{ t: 'adt^a01' }, false],
      [{ t: 'ADT^A01 ' }, false],
      [{ t: '' }, false],
      [{}, false],
    ]);
    check({ n: ['42'] }, [
      [{ n: '42' }, true],
      [{ n: 42 }, false],
      [{ n: '42.0' }, false],
    ]);
  });

  it('prefix and suffix apply to strings only', () => {
    check({ t: [{ prefix: 'ADT^' }] }, [
      [{ t: 'ADT^A08' }, true],
      [{ t: 'ADT^' }, true],
      [{ t: 'XADT^A08' }, false],
      [{ t: 'adt^A08' }, false],
    ]);
    check({ n: [{ prefix: '4' }] }, [
      [{ n: '42' }, true],
      [{ n: 42 }, false],
    ]);
    check({ s: [{ suffix: '-lab' }] }, [
      [{ s: 'north-lab' }, true],
      [{ s: 'north-lab2' }, false],
      [{ s: 'NORTH-LAB' }, false],
    ]);
  });

  it('equals-ignore-case', () => {
    check({ s: [{ 'equals-ignore-case': 'North-Lab' }] }, [
      [{ s: 'north-lab' }, true],
      [{ s: 'NORTH-LAB' }, true],
      [{ s: 'north-lab ' }, false],
      [{ s: 'northlab' }, false],
    ]);
  });

  it('null never matches an attribute', () => {
    check({ s: [null] }, [
      [{ s: 'null' }, false],
      [{ s: '' }, false],
      [{}, false],
    ]);
  });
});

describe('matchesFilterPolicy: anything-but', () => {
  it('a single string', () => {
    check({ e: [{ 'anything-but': 'ingested' }] }, [
      [{ e: 'staged' }, true],
      [{ e: 'Ingested' }, true],
      [{ e: 'ingested' }, false],
      [{}, false],
    ]);
  });

  it('a list, mixing strings and numbers (typed)', () => {
    check({ v: [{ 'anything-but': ['red', 100] }] }, [
      [{ v: 'blue' }, true],
      [{ v: 'red' }, false],
      [{ v: 100 }, false],
      [{ v: 101 }, true],
      [{ v: '100' }, true],
    ]);
  });

  it('a number', () => {
    check({ v: [{ 'anything-but': 500 }] }, [
      [{ v: 499 }, true],
      [{ v: 500 }, false],
      [{ v: '500' }, true],
    ]);
  });

  it('a prefix (strings only)', () => {
    check({ s: [{ 'anything-but': { prefix: 'test-' } }] }, [
      [{ s: 'prod-1' }, true],
      [{ s: 'test' }, true],
      [{ s: 'test-1' }, false],
      [{ s: 5 }, false],
      [{}, false],
    ]);
  });

  it('a suffix (strings only)', () => {
    check({ s: [{ 'anything-but': { suffix: '-dev' } }] }, [
      [{ s: 'lab-prod' }, true],
      [{ s: 'lab-dev' }, false],
      [{}, false],
    ]);
  });

  it('needs the attribute to be present', () => {
    check({ s: [{ 'anything-but': ['x'] }] }, [
      [{}, false],
      [{ other: 'y' }, false],
    ]);
  });
});

describe('matchesFilterPolicy: numbers', () => {
  it('exact number matches Number attributes only (a numeric-looking string is no number)', () => {
    check({ n: [301.5] }, [
      [{ n: 301.5 }, true],
      [{ n: 3.015e2 }, true],
      [{ n: 301.50001 }, false],
      [{ n: '301.5' }, false],
    ]);
  });

  it('numeric ranges, inclusive and exclusive bounds', () => {
    check({ n: [{ numeric: ['>', 0, '<=', 150] }] }, [
      [{ n: 0 }, false],
      [{ n: 0.001 }, true],
      [{ n: 150 }, true],
      [{ n: 150.0001 }, false],
      [{ n: -5 }, false],
    ]);
    check({ n: [{ numeric: ['>=', 10, '<', 20] }] }, [
      [{ n: 10 }, true],
      [{ n: 19.999 }, true],
      [{ n: 20 }, false],
    ]);
    check({ n: [{ numeric: ['=', 7] }] }, [
      [{ n: 7 }, true],
      [{ n: 7.0 }, true],
      [{ n: 8 }, false],
    ]);
    check({ n: [{ numeric: ['<', 0] }] }, [
      [{ n: -1e9 }, true],
      [{ n: 0 }, false],
    ]);
  });

  it('numeric conditions never match a String attribute, even one that spells a number', () => {
    check({ n: [{ numeric: ['>=', 0] }] }, [
      [{ n: '5' }, false],
      [{ n: '' }, false],
      [{ n: 'abc' }, false],
      [{}, false],
    ]);
  });

  it('a malformed numeric condition matches nothing', () => {
    for (const numeric of [[], ['>'], ['>', 1, '<'], ['!=', 1], ['>', '1']] as (string | number)[][]) {
      check({ n: [{ numeric }] }, [[{ n: 2 }, false]]);
    }
  });
});

describe('matchesFilterPolicy: exists', () => {
  it('exists: true needs the attribute, whatever its value', () => {
    check({ a: [{ exists: true }] }, [
      [{ a: 'x' }, true],
      [{ a: '' }, true],
      [{ a: 0 }, true],
      [{}, false],
      [{ a: undefined }, false],
    ]);
  });

  it('exists: false matches a missing attribute only', () => {
    check({ a: [{ exists: false }] }, [
      [{}, true],
      [{ b: 'x' }, true],
      [{ a: undefined }, true],
      [{ a: '' }, false],
      [{ a: 'x' }, false],
    ]);
  });

  it('is the only condition a missing attribute can meet, alongside others', () => {
    check({ a: ['x', { exists: false }] }, [
      [{}, true],
      [{ a: 'x' }, true],
      [{ a: 'y' }, false],
    ]);
  });
});

describe('matchesFilterPolicy: array attributes (String.Array)', () => {
  it('matches when one element meets a condition', () => {
    check({ tags: ['urgent'] }, [
      [{ tags: ['routine', 'urgent'] }, true],
      [{ tags: ['routine'] }, false],
      [{ tags: [] }, false],
    ]);
    check({ tags: [{ prefix: 'lab' }] }, [[{ tags: ['ris', 'lab-2'] }, true]]);
    check({ nums: [{ numeric: ['>', 10] }] }, [
      [{ nums: [1, 20] }, true],
      [{ nums: [1, 2] }, false],
      [{ nums: ['20'] }, false],
    ]);
  });

  it('anything-but matches when one element is not excluded', () => {
    check({ v: [{ 'anything-but': [100, 500] }] }, [
      [{ v: [100, 50] }, true],
      [{ v: [100, 500] }, false],
      [{ v: [] }, false],
    ]);
  });

  it('an empty array still exists', () => {
    check({ v: [{ exists: true }] }, [[{ v: [] }, true]]);
    check({ v: [{ exists: false }] }, [[{ v: [] }, false]]);
  });
});
