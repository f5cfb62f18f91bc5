/**
 * `s` as one flat string. A string built by concatenation or a template literal is a rope
 * (a tree of pieces) in V8, and stays one: every text later built from it walks that tree
 * again when it is flattened. Constant texts used as pieces of every staging document
 * (member keys) are made flat once, here, by internalizing them as a property name.
 */
export function flat(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}
