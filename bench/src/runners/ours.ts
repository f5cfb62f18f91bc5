/**
 * @hcdl/hl7v2: parseMessage with every leaf value decoded and materialized, and the
 * staging path (parse + toStagingJson + JSON.stringify).
 */
import type { ParseAll, Runner } from './types';

export const oursRunner: Runner = {
  id: 'ours',
  label: '@hcdl/hl7v2 parseMessage',
  kind: 'ours',
  async load(): Promise<ParseAll> {
    throw new Error('parseMessage is not available yet');
  },
};

export const stagingRunner: Runner = {
  id: 'staging',
  label: '@hcdl/hl7v2 staging JSON',
  kind: 'staging',
  async load(): Promise<ParseAll> {
    throw new Error('toStagingJson is not available yet');
  },
};

/** Streams a batch with streamMessages, materializing every message (pending the core API). */
export async function streamOurs(_source: AsyncIterable<Uint8Array | string>): Promise<{ messages: number; leaves: number }> {
  throw new Error('streamMessages is not available yet');
}
