// BENCHMARKS.md sections between `<!-- bench:NAME:begin -->` and `<!-- bench:NAME:end -->` markers.
import { readFileSync, writeFileSync } from 'node:fs';

const markers = (name: string) => [`<!-- bench:${name}:begin -->`, `<!-- bench:${name}:end -->`] as const;

/** The text between the section's markers (trimmed), or null when the file has no such section. */
export function readSection(file: string, name: string): string | null {
  const [begin, end] = markers(name);
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  return from < 0 || to < from ? null : text.slice(from + begin.length, to).trim();
}

/** Replaces the text between the section's markers; appends `## heading`, `intro` and the markers when the file has none. */
export function writeSection(file: string, name: string, body: string, heading: string, intro = ''): void {
  const [begin, end] = markers(name);
  const text = readFileSync(file, 'utf8');
  const next = text.includes(begin) && text.includes(end)
    ? text.slice(0, text.indexOf(begin) + begin.length) + '\n' + body + '\n' + text.slice(text.indexOf(end))
    : text.trimEnd() + `\n\n## ${heading}\n\n${intro ? intro + '\n\n' : ''}${begin}\n${body}\n${end}\n`;
  writeFileSync(file, next);
}
