import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { untranslatable, type Place } from './types.js';

/** A YAML value with the place it came from, so every report line can name its line. */
export interface Located {
  node: Node | null;
  at: Place;
}

/** One `key: value` of a YAML map, located at its key. */
export interface Entry extends Located {
  key: string;
}

/** A YAML file read for translation: its top-level value and where things sit in it. */
export interface YamlSource {
  root: Located;
  /** The place of a node (its first line). */
  at(node: Node | null | undefined): Place;
}

/** Parse a foreign YAML file; a syntax error is untranslatable, at its line. */
export function readYaml(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw untranslatable({ file, line: e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line }, 'YAML', `expected valid YAML, found a syntax error (${e.message.split('\n')[0]})`);
  }
  const at = (node: Node | null | undefined): Place => ({ file, line: node?.range ? lines.linePos(node.range[0]).line : null });
  const root = (doc.contents ?? null) as Node | null;
  return { root: { node: root, at: at(root) }, at };
}

/** The entries of a map node in file order; null when the node is not a map. */
export function mapEntries(src: YamlSource, node: Node | null): Entry[] | null {
  if (!isMap(node)) return null;
  return node.items.map((pair) => {
    const key = pair.key as Node;
    return { key: String(isScalar(key) ? key.value : key), node: (pair.value ?? null) as Node | null, at: src.at(key) };
  });
}

/** The items of a sequence node; null when the node is not a sequence. */
export function seqItems(src: YamlSource, node: Node | null): Located[] | null {
  if (!isSeq(node)) return null;
  return node.items.map((item) => ({ node: item as Node, at: src.at(item as Node) }));
}

/** A scalar as text (numbers and booleans as YAML wrote them); null for maps, sequences and nulls. */
export function scalarText(node: Node | null): string | null {
  if (!isScalar(node) || node.value === null || node.value === undefined) return null;
  return String(node.value);
}
