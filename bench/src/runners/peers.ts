/**
 * The npm peers, each made to materialize every leaf of its own tree (parsers that split
 * lazily are walked to the bottom, so the work compares with a full parse).
 */
import { createRequire } from 'node:module';
import type { ParseAll, Runner } from './types';

const require = createRequire(import.meta.url);

interface MedplumField {
  components: string[][];
  context: { subcomponentSeparator: string };
}
interface MedplumSegment {
  fields: MedplumField[];
}
interface MedplumMessage {
  segments: MedplumSegment[];
}
interface MedplumModule {
  Hl7Message: { parse(text: string): MedplumMessage };
}

/** @medplum/core: fields are split into repetitions and components; subcomponents on demand. */
export const medplumRunner: Runner = {
  id: 'medplum',
  label: '@medplum/core Hl7Message.parse',
  kind: 'peer',
  async load(): Promise<ParseAll> {
    // @medplum/core declares Node 22 and reads WebSocket.CLOSING/CLOSED at import time; on
    // Node 20 there is no global WebSocket, so give it the two constants (the HL7 parser
    // never opens a socket).
    const g = globalThis as { WebSocket?: unknown };
    if (g.WebSocket === undefined) g.WebSocket = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };
    const mod = (await import('@medplum/core')) as unknown as MedplumModule;
    return (message) => {
      let leaves = 0;
      const parsed = mod.Hl7Message.parse(message);
      for (const segment of parsed.segments) {
        for (const field of segment.fields) {
          const sub = field.context.subcomponentSeparator;
          for (const repetition of field.components) {
            for (const component of repetition) leaves += component.split(sub).length;
          }
        }
      }
      return leaves;
    };
  },
};

interface Hl7ClientNode {
  forEach(cb: (child: Hl7ClientNode) => void): void;
  toString(): string;
}
interface Hl7ClientModule {
  Message: new (options: { text: string }) => Hl7ClientNode;
}

/** node-hl7-client: lazy node tree message > segment > field > repetition > component > subcomponent. */
export const nodeHl7ClientRunner: Runner = {
  id: 'node-hl7-client',
  label: 'node-hl7-client Message',
  kind: 'peer',
  async load(): Promise<ParseAll> {
    const mod = (await import('node-hl7-client')) as unknown as Hl7ClientModule;
    return (message) => {
      let leaves = 0;
      const walk = (node: Hl7ClientNode, depth: number): void => {
        if (depth === 5) {
          // Subcomponent: toString() decodes the escapes.
          if (node.toString().length >= 0) leaves++;
          return;
        }
        node.forEach((child) => walk(child, depth + 1));
      };
      walk(new mod.Message({ text: message }), 0);
      return leaves;
    };
  },
};

type StandardValue = string | StandardValue[] | { [key: string]: StandardValue };
interface StandardSegment {
  data: Record<string, StandardValue>;
}
interface StandardInstance {
  transform(): void;
  transformed: Record<string, StandardSegment | StandardSegment[]>;
}
type StandardCtor = new (text: string) => StandardInstance;

function countStandard(value: StandardValue): number {
  if (typeof value === 'string') return 1;
  let n = 0;
  if (Array.isArray(value)) for (const v of value) n += countStandard(v);
  else for (const key in value) n += countStandard(value[key] as StandardValue);
  return n;
}

/** hl7-standard: eager transform into keyed objects. */
export const hl7StandardRunner: Runner = {
  id: 'hl7-standard',
  label: 'hl7-standard transform',
  kind: 'peer',
  async load(): Promise<ParseAll> {
    const HL7 = require('hl7-standard') as StandardCtor;
    return (message) => {
      const doc = new HL7(message);
      doc.transform();
      let leaves = 0;
      for (const id in doc.transformed) {
        const entry = doc.transformed[id];
        const list = Array.isArray(entry) ? entry : entry ? [entry] : [];
        for (const segment of list) for (const key in segment.data) leaves += countStandard(segment.data[key] as StandardValue);
      }
      return leaves;
    };
  },
};

interface SimpleValueNode {
  value: SimpleTree[];
}
type SimpleTree = string | SimpleTree[] | SimpleValueNode;
interface SimpleMessage {
  header: { fields: SimpleTree[] };
  segments: { fields: SimpleTree[] }[];
}
interface SimpleModule {
  Parser: new () => { parse(text: string): SimpleMessage };
}

function countSimple(value: SimpleTree): number {
  if (typeof value === 'string') return 1;
  let n = 0;
  const list = Array.isArray(value) ? value : value.value;
  for (const v of list) n += countSimple(v);
  return n;
}

/** simple-hl7: eager field/component/subcomponent objects, no escape decoding, CR only. */
export const simpleHl7Runner: Runner = {
  id: 'simple-hl7',
  label: 'simple-hl7 Parser.parse',
  kind: 'peer',
  async load(): Promise<ParseAll> {
    const mod = require('simple-hl7') as SimpleModule;
    const parser = new mod.Parser();
    return (message) => {
      const parsed = parser.parse(message);
      let leaves = 0;
      for (const f of parsed.header.fields) leaves += countSimple(f);
      for (const segment of parsed.segments) for (const f of segment.fields) leaves += countSimple(f);
      return leaves;
    };
  },
};
