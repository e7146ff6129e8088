// Model strings an attacker would pick: comment closers, code after them, terminal escapes, forged lines.
import { DEMO_MODELS } from '../../examples/models/index.js';
import type { Graph } from '../../src/ir/graph.js';

export const HOSTILE_NAMES = {
  /** Closes a JS/TS block comment and declares a function; a line terminator ends a // comment. */
  js: 'x */ export declare function injectedDecl(): void; /* \u2028 injectedLine();',
  /** Closes a C comment, declares a symbol, then a preprocessor line, a trigraph backslash and a bidi override. */
  c: 'a */ int injected_symbol = 1; /* \n#error injected\n ??/\n\u202e',
  /** An OSC title sequence, a colour, and a newline that forges a second CLI error line. */
  terminal: '\u001b]0;pwned\u0007\u001b[31mred\ntinyforge: E_FORGED: second line',
};

/** The sine demo model with its input and output tensors renamed. */
export function sineWithNames(input: string, output: string): Graph {
  const graph = DEMO_MODELS.find((m) => m.name === 'sine-mlp')!.build();
  graph.tensors[graph.inputs[0]!]!.name = input;
  graph.tensors[graph.outputs[0]!]!.name = output;
  return graph;
}
