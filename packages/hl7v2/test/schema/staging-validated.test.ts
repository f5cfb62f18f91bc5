/**
 * toStaging / toStagingJsonText take an optional validation the caller already ran
 * (the staging step validates to decide stageable vs error, then writes the JSON): the
 * document must be exactly the one written without it, over the whole corpus, and the
 * caller's diagnostics array must not be changed.
 */
import { describe, expect, it } from '@jest/globals';
import { structureOf, toStaging, toStagingJsonText, validateMessage, type Message } from '../../src/index';
import { referenceStagingText } from './reference';
import { corpusParsed } from '../core/support';

describe('staging JSON from a validation the caller already ran', () => {
  const messages = corpusParsed().map((p) => p.message);

  it('covers the corpus, warnings included', () => {
    expect(messages.length).toBeGreaterThan(400);
    expect(messages.some((m) => validateMessage(m, structureOf(m)).length > 0)).toBe(true);
  });

  it('writes the same text and document as without it, and leaves the diagnostics alone', () => {
    for (const message of messages) {
      const resolution = structureOf(message);
      const diagnostics = validateMessage(message, resolution);
      const before = JSON.stringify(diagnostics);
      const text = toStagingJsonText(message, { resolution, diagnostics });
      expect(text).toBe(toStagingJsonText(message));
      expect(text).toBe(referenceStagingText(message));
      expect(toStaging(message, { resolution, diagnostics }).warnings).toEqual(toStaging(message).warnings);
      expect(JSON.stringify(diagnostics)).toBe(before);
    }
  });

  it('uses what it is given: the warnings in _meta are the caller diagnostics', () => {
    const message = messages.find((m) => validateMessage(m, structureOf(m)).length > 0) as Message;
    const resolution = structureOf(message);
    const doc = JSON.parse(toStagingJsonText(message, { resolution, diagnostics: [] })) as { _meta: { warnings?: unknown[] } };
    expect(doc._meta.warnings ?? []).toHaveLength(0);
  });
});
