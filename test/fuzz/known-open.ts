// Fuzz cases that fail today because the fix for their issue-18 item has not landed on main. Each
// entry names the item; the lead empties this table as the fixes merge (a listed case that passes
// fails the suite until its entry is removed). No case is skipped silently.
export interface KnownOpen {
  /** Issue 18 item number. */
  item: number;
  what: string;
  /** 'engines' when the case holds in the fuzz run but its outputs differ across engines (differential test). */
  where?: 'engines';
}

/** Fuzz case id (structure.ts: "<seed model>#<index>") -> the open item it waits for. */
export const KNOWN_OPEN: Readonly<Record<string, KnownOpen>> = {};
