/**
 * A dictionary element (field or component) as decoded from ./generated. The texts the
 * staging writer starts a member with are made on first use: a version holds thousands of
 * elements and a message uses a few hundred, so decoding stays cheap (a Lambda cold start
 * pays for it).
 */
import { flat } from '../flat';
import type { DatatypeDef, ElementDef, MemberTexts } from './types';

/** The member texts of a key given as JSON text with its colon (`"family_name":`), each one flat. */
export function memberTexts(jsonKey: string): MemberTexts {
  return { jsonOpen: flat(`{${jsonKey}`), jsonNext: flat(`,${jsonKey}`), jsonOpenQ: flat(`{${jsonKey}"`), jsonNextQ: flat(`,${jsonKey}"`) };
}

export class Element implements ElementDef {
  readonly jsonKey: string;
  readonly repeats: boolean;
  private texts: MemberTexts | undefined = undefined;

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

  private member(): MemberTexts {
    return (this.texts ??= memberTexts(this.jsonKey));
  }

  get jsonOpen(): string {
    return this.member().jsonOpen;
  }

  get jsonNext(): string {
    return this.member().jsonNext;
  }

  get jsonOpenQ(): string {
    return this.member().jsonOpenQ;
  }

  get jsonNextQ(): string {
    return this.member().jsonNextQ;
  }
}
