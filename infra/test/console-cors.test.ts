/** CORS on the HTTP API for a web console hosted apart from it (docs/console.md): only when origins are configured. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadInfraConfig } from '../src/env';
import { InfraConfigError } from '../src/errors';
import { findResource, synthAll, type SynthResult } from './support/synth';

const synths: SynthResult[] = [];
afterAll(() => {
  for (const s of synths) s.cleanup();
});
const apiOf = (s: SynthResult) => findResource(s.json['front-door'], 'aws_apigatewayv2_api', () => true);

describe('console origins', () => {
  it('are read from HCDL_CONSOLE_ORIGINS or the environment file, and must be https origins without a path', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hcdl-env-'));
    try {
      writeFileSync(path.join(dir, 'qa.json'), JSON.stringify({ consoleOrigins: ['https://console.qa.example.org'] }));
      expect(loadInfraConfig({ environment: { HCDL_ENV: 'qa' }, envDir: dir }).consoleOrigins).toEqual(['https://console.qa.example.org']);
      expect(
        loadInfraConfig({ environment: { HCDL_ENV: 'qa', HCDL_CONSOLE_ORIGINS: 'https://a.example.org, https://b.example.org:8443' }, envDir: dir })
          .consoleOrigins,
      ).toEqual(['https://a.example.org', 'https://b.example.org:8443']);
      expect(loadInfraConfig({ environment: { HCDL_ENV: 'dev' }, envDir: dir }).consoleOrigins).toBeUndefined();
      for (const bad of ['http://console.example.org', 'https://console.example.org/console/', '*'])
        expect(() => loadInfraConfig({ environment: { HCDL_ENV: 'dev', HCDL_CONSOLE_ORIGINS: bad }, envDir: dir })).toThrow(InfraConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('give the HTTP API a CORS configuration for those origins, bearer tokens and no credentials; none by default', () => {
    const plain = synthAll();
    synths.push(plain);
    expect(apiOf(plain).cors_configuration).toBeUndefined();
    const withConsole = synthAll({ HCDL_CONSOLE_ORIGINS: 'https://console.example.org' });
    synths.push(withConsole);
    expect(apiOf(withConsole).cors_configuration).toEqual({
      allow_origins: ['https://console.example.org'],
      allow_methods: ['GET', 'POST', 'OPTIONS'],
      allow_headers: ['authorization', 'content-type'],
      expose_headers: ['x-hcdl-message-id'],
      allow_credentials: false,
      max_age: 3600,
    });
  });
});
