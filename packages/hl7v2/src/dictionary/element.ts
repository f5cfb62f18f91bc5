/**
 * A dictionary element (field or component) as decoded from ./generated. The texts the
 * staging writer starts a member with are made on first use: a version holds thousands of
 * elements and a message uses a few hundred, so decoding stays cheap (a Lambda cold start
 * pays for it).
 */
import { flat } from '../flat';
import type { DatatypeDef, ElementDef, MemberTexts } from './types';

/**
 * The member texts of a key given as JSON text with its colon (`"family_name":`). One class
 * for every key the writer uses (dictionary names and positional keys alike), so that its
 * reads of them stay monomorphic.
 */
export class MemberKey implements MemberTexts {
  readonly jsonOpen: string;
  readonly jsonNext: string;
  readonly jsonOpenQ: string;
  readonly jsonNextQ: string;
  readonly closeNext: string;
  readonly closeNextQ: string;

  /** `keep`: the texts are made flat (internalized), for a key written again and again. */
  constructor(jsonKey: string, keep: boolean) {
    this.jsonOpen = keep ? flat(`{${jsonKey}`) : `{${jsonKey}`;
    this.jsonNext = keep ? flat(`,${jsonKey}`) : `,${jsonKey}`;
    this.jsonOpenQ = keep ? flat(`{${jsonKey}"`) : `{${jsonKey}"`;
    this.jsonNextQ = keep ? flat(`,${jsonKey}"`) : `,${jsonKey}"`;
    this.closeNext = keep ? flat(`",${jsonKey}`) : `",${jsonKey}`;
    this.closeNextQ = keep ? flat(`",${jsonKey}"`) : `",${jsonKey}"`;
  }
}

/** The member texts of a key written again and again, each one flat. */
export function memberTexts(jsonKey: string): MemberKey {
  return new MemberKey(jsonKey, true);
}

export class Element implements ElementDef {
  readonly jsonKey: string;
  readonly repeats: boolean;
  /** The member texts, made on first use (texts()); a plain field, read on every member written. */
  member: MemberKey | undefined = undefined;

  constructor(
    readonly seq: number,
    readonly name: string,
    readonly key: string,
    readonly datatype: string,
    readonly type: DatatypeDef | undefined,
    readonly min: number,
    readonly max: number,
    readonly table: string | undefined,
  ) {
    this.jsonKey = `${JSON.stringify(key)}:`;
    this.repeats = max === -1 || max > 1;
  }

  texts(): MemberKey {
    return this.member ?? (this.member = memberTexts(this.jsonKey));
  }
}
