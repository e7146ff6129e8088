// Which operators a .tflite file holds and whether we run them, read from the operator codes alone:
// the importer refuses with it (the first unsupported one), `inspect` lists every one, per subgraph.
import { isOpKind, type OpKind } from '../../ir/ops.js';
import { DECODE_CUSTOM_CODE } from '../../ir/lut.js';
import { ModelFormatError, UnsupportedError } from '../../errors.js';
import { FlatReader, type Table } from './flat-reader.js';
import { builtinName, CUSTOM_CODE, FILE_IDENTIFIER, ModelField, OperatorCodeField, OperatorField, SubGraphField } from './schema.js';
import { MAX_OP_VERSION } from './versions.js';

/** The control-flow builtins: they run other subgraphs (TFLM's IF, WHILE, CALL_ONCE, and TFLite's CALL). */
const CONTROL_FLOW: ReadonlySet<string> = new Set(['IF', 'WHILE', 'CALL_ONCE', 'CALL']);

/** An operator code as we read it: the op kind we run, or the name and why we do not. */
export type OperatorCode =
  | { supported: true; kind: OpKind; name: string; version: number; custom: boolean }
  | { supported: false; name: string; version: number; custom: boolean; reason: string };

/** One operator of the file that we cannot run. */
export interface UnsupportedOperator {
  subgraph: number;
  node: number;
  op: string;
  version: number;
  reason: string;
}

/** The op kind an operator code names, or why it is not one we run (custom op, other builtin, later version). */
export function operatorCode(code: Table): OperatorCode {
  const deprecated = code.scalar(OperatorCodeField.deprecatedBuiltinCode, 'i8', 0);
  const builtin = code.scalar(OperatorCodeField.builtinCode, 'i32', 0);
  const codeValue = Math.max(deprecated, builtin);
  const version = code.scalar(OperatorCodeField.version, 'i32', 1);
  if (codeValue === CUSTOM_CODE) {
    const custom = code.string(OperatorCodeField.customCode, 'custom code') ?? '';
    if (custom === DECODE_CUSTOM_CODE && version >= 1 && version <= MAX_OP_VERSION.DECODE) return { supported: true, kind: 'DECODE', name: custom, version, custom: true };
    return { supported: false, name: custom, version, custom: true, reason: 'custom operator' };
  }
  const name = builtinName(codeValue);
  if (!isOpKind(name)) return { supported: false, name, version, custom: false, reason: CONTROL_FLOW.has(name) ? 'control flow' : 'operator not implemented' };
  if (version < 1 || version > MAX_OP_VERSION[name]) return { supported: false, name, version, custom: false, reason: `supported up to v${MAX_OP_VERSION[name]}` };
  return { supported: true, kind: name, name, version, custom: false };
}

/** Each subgraph's operators as (node, code); a missing operator code is a ModelFormatError. */
function subgraphOperators(model: Table, subgraph: Table, s: number): Array<{ node: number; code: OperatorCode }> {
  const codes = (model.tables(ModelField.operatorCodes, 'operator code') ?? []).map(operatorCode);
  return (subgraph.tables(SubGraphField.operators, `subgraph ${s} operator`) ?? []).map((op, node) => {
    const index = op.scalar(OperatorField.opcodeIndex, 'u32', 0);
    const code = codes[index];
    if (code === undefined) {
      throw new ModelFormatError(`malformed TFLite file: operator ${node} of subgraph ${s} uses operator code ${index} of ${codes.length}`, { subgraph: s, nodeIndex: node, opcodeIndex: index });
    }
    return { node, code };
  });
}

/** Every operator of every subgraph that we cannot run, in file order (empty: the importer takes them all). */
export function unsupportedOperators(bytes: Uint8Array): UnsupportedOperator[] {
  const model = new FlatReader(bytes, 8 * bytes.length + (1 << 20)).root(FILE_IDENTIFIER);
  const subgraphs = model.tables(ModelField.subgraphs, 'subgraph') ?? [];
  return subgraphs.flatMap((sg, s) =>
    subgraphOperators(model, sg, s).flatMap(({ node, code }) => (code.supported ? [] : [{ subgraph: s, node, op: code.name, version: code.version, reason: code.reason }])),
  );
}

/**
 * A model with several subgraphs: the refusal names the control-flow operator of subgraph 0 that calls
 * the others (TFLM runs them through IF/WHILE/CALL_ONCE), or the first subgraph nothing here runs.
 */
export function multipleSubgraphsError(model: Table, subgraphs: readonly Table[]): UnsupportedError {
  const ops = subgraphOperators(model, subgraphs[0]!, 0);
  const flow = ops.find(({ code }) => CONTROL_FLOW.has(code.name));
  const count = subgraphs.length;
  if (flow) {
    return new UnsupportedError(`unsupported control flow: ${flow.code.name} at node ${flow.node} of subgraph 0 runs other subgraphs (the model has ${count}; only single-subgraph models run)`, {
      op: flow.code.name, subgraph: 0, nodeIndex: flow.node, subgraphs: count,
    });
  }
  const first = subgraphOperators(model, subgraphs[1]!, 1)[0];
  const what = first ? `starts with ${first.code.name} at node 0` : 'has no operators';
  return new UnsupportedError(`unsupported model with ${count} subgraphs: subgraph 1 ${what} (only single-subgraph models run)`, {
    subgraph: 1, subgraphs: count, ...(first ? { op: first.code.name, nodeIndex: 0 } : {}),
  });
}
