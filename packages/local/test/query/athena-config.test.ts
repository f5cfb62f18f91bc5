import { afterEach, describe, expect, it } from '@jest/globals';
import { runQuery } from '../../src/cli/commands/query';
import { AthenaConfigError, QueryError, readAthenaConfig } from '../../src/query';
import { captureIo } from './support';

describe('hcdl query --athena configuration', () => {
  it('reads workgroup, database, region and catalog', () => {
    expect(readAthenaConfig({ HCDL_ATHENA_WORKGROUP: 'hcdl-dev-analytics', HCDL_ATHENA_DATABASE: 'hcdl_dev_lake', AWS_REGION: 'eu-west-1' })).toEqual({
      workgroup: 'hcdl-dev-analytics',
      database: 'hcdl_dev_lake',
      region: 'eu-west-1',
    });
    expect(
      readAthenaConfig({
        HCDL_ATHENA_WORKGROUP: 'w',
        HCDL_ATHENA_DATABASE: 'd',
        HCDL_ATHENA_REGION: 'us-east-2',
        AWS_REGION: 'eu-west-1',
        HCDL_ATHENA_CATALOG: 'other',
      }),
    ).toEqual({
      workgroup: 'w',
      database: 'd',
      region: 'us-east-2',
      catalog: 'other',
    });
  });

  it('names what is missing', () => {
    const err = (() => {
      try {
        return readAthenaConfig({ HCDL_ATHENA_DATABASE: 'd' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AthenaConfigError);
    expect(err).toBeInstanceOf(QueryError);
    expect((err as Error).message).toBe('--athena needs HCDL_ATHENA_WORKGROUP (outputs of the analytics stack)');
  });

  describe('the CLI without the variables', () => {
    const saved = { w: process.env.HCDL_ATHENA_WORKGROUP, d: process.env.HCDL_ATHENA_DATABASE };
    afterEach(() => {
      if (saved.w === undefined) delete process.env.HCDL_ATHENA_WORKGROUP;
      else process.env.HCDL_ATHENA_WORKGROUP = saved.w;
      if (saved.d === undefined) delete process.env.HCDL_ATHENA_DATABASE;
      else process.env.HCDL_ATHENA_DATABASE = saved.d;
    });

    it('exits 1 before calling AWS', async () => {
      delete process.env.HCDL_ATHENA_WORKGROUP;
      delete process.env.HCDL_ATHENA_DATABASE;
      const io = captureIo();
      expect(await runQuery(['--athena', 'SELECT 1'], io)).toBe(1);
      expect(io.err()).toBe('hcdl query: --athena needs HCDL_ATHENA_WORKGROUP and HCDL_ATHENA_DATABASE (outputs of the analytics stack)\n');
      expect(io.out()).toBe('');
    });
  });
});
