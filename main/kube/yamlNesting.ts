// How deep a YAML text nests, found before it is parsed. The yaml library
// composes documents recursively: a text nested some 800 levels overflows the
// stack, and after such an overflow V8 may abort the whole process on the next
// parse (seen: "RegExpCompiler Allocation failed", two 2 kB bodies sufficed).
// Go's YAML scanner refuses more than 10,000 levels ("exceeded max depth of
// 10000"); this one refuses, in the same words, beyond what the library composes
// safely from deep in a request's stack. Kubernetes objects nest a few dozen
// levels; CRD schemas somewhat more.

import { yaml } from './yamlLibrary.ts';

export const maxYamlNesting = 256;

/**
 * `yaml: [line N: ]exceeded max depth of 256` (go-yaml's scanner words) when
 * `text` nests deeper than maxYamlNesting, else undefined. The lexer and the
 * parser of concrete syntax hold open collections on a stack of their own, so
 * this needs no recursion and stops at the first level too deep.
 */
export function yamlNestingProblem(text: string): string | undefined {
  const parser = new (yaml().Parser)();
  for (const lexeme of new (yaml().Lexer)().lex(text)) {
    for (const _ of parser.next(lexeme));
    // The stack holds the document, then one entry per open collection.
    if (parser.stack.length - 1 > maxYamlNesting) {
      const offset = parser.stack[parser.stack.length - 1].offset;
      // Go names the line only past the first one.
      const line = text.slice(0, offset).split('\n').length;
      return `yaml: ${line > 1 ? `line ${line}: ` : ''}exceeded max depth of ${maxYamlNesting}`;
    }
  }
  return undefined;
}
