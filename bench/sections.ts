// BENCHMARKS.md sections between `<!-- bench:NAME:begin -->` and `<!-- bench:NAME:end -->` markers.
import { readFileSync, writeFileSync } from 'node:fs';

/** Replaces the text between the section's markers; appends `## heading`, `intro` and the markers when the file has none. */
export function writeSection(file: string, name: string, body: string, heading: string, intro = ''): void {
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  const text = readFileSync(file, 'utf8');
  const next = text.includes(begin) && text.includes(end)
    ? text.slice(0, text.indexOf(begin) + begin.length) + '\n' + body + '\n' + text.slice(text.indexOf(end))
    : text.trimEnd() + `\n\n## ${heading}\n\n${intro ? intro + '\n\n' : ''}${begin}\n${body}\n${end}\n`;
  writeFileSync(file, next);
}
