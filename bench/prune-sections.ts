// The Pruning section of BENCHMARKS.md: a setup paragraph, then one block per net (`**label**. ...` and its
// table). A render of some nets' rows replaces those nets' blocks and keeps the others as written, so a
// net's rows need not be re-run (or their rows files kept) when another net is measured again.

const BLOCK_START = /^\*\*([^*]+)\*\*/;

/** The section body's blocks by net label: each from its `**label**` paragraph up to the next one (tables included). */
export function netBlocks(body: string): Map<string, string> {
  const blocks = new Map<string, string>();
  let label: string | null = null;
  let lines: string[] = [];
  const close = () => {
    if (label !== null) blocks.set(label, lines.join('\n').trimEnd());
  };
  const paragraphs = body.split(/\n\s*\n/);
  for (const p of paragraphs) {
    const m = BLOCK_START.exec(p);
    if (m) {
      close();
      label = m[1]!.trim();
      lines = [p];
    } else if (label !== null) {
      lines.push('', p);
    }
  }
  close();
  return blocks;
}

/**
 * The section body: `setup`, then per label of `order` its fresh block, else its block in `previous` (the
 * body written before; null: none); blocks of `previous` under other labels after those, as they were.
 */
export function mergeNetBlocks(setup: string, order: readonly string[], fresh: ReadonlyMap<string, string>, previous: string | null): string {
  const kept = previous === null ? new Map<string, string>() : netBlocks(previous);
  const blocks: string[] = [];
  for (const label of order) {
    const block = fresh.get(label) ?? kept.get(label);
    if (block !== undefined) blocks.push(block);
  }
  for (const [label, block] of kept) if (!order.includes(label)) blocks.push(block);
  return [setup, ...blocks].join('\n\n');
}

/** What orders a row in its net's table. */
export interface RowSetting {
  method: 'dense' | 'magnitude' | 'channels';
  amount: number;
  criterion?: string;
  inner?: boolean;
  finetune: boolean;
  steps?: number;
}

const METHOD_RANK = { dense: 0, magnitude: 1, channels: 2 } as const;

/** Rows of several runs in the table's order: unpruned then fine-grained then channel rows, without fine-tuning first, one-shot before stepped; runs' order among equals. */
export function inTableOrder<R extends RowSetting>(rows: readonly R[]): R[] {
  const key = (r: R) => [
    r.finetune ? 1 : 0,
    METHOD_RANK[r.method],
    r.method === 'channels' ? (r.criterion === 'next' ? 1 : 0) : r.inner ? 1 : 0,
    r.amount,
    r.steps ?? 1,
  ];
  return [...rows].sort((a, b) => {
    const ka = key(a), kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return 0;
  });
}
