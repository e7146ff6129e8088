// One escaping function per place a model-provided string (tensor names, descriptions, file names) ends
// up: terminal text, C comments, JS/TS comments, Markdown, HTML. Browser-safe: no imports.

/** C0/C1 controls, DEL, line/paragraph separators and the bidirectional overrides ("Trojan Source"). */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, width: number) => c.charCodeAt(0).toString(16).padStart(width, '0');
const visible = (c: string) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? (c.charCodeAt(0) < 0x100 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`);

/** Text for a terminal line: every control character (ESC, newline, ...) as a visible escape, so one line stays one line. */
export function escapeTerminal(text: string): string {
  return text.replace(CONTROLS, visible);
}

/** Text inside a C block comment: printable ASCII only (gcc's -Wbidi-chars, trigraphs), and no comment opener or closer. */
export function escapeCComment(text: string): string {
  return text
    .replace(/[^\x20-\x7e]/g, visible)
    .replace(/\*\//g, '*\\/')
    .replace(/\/\*/g, '/\\*')
    .replace(/\?\?/g, '?\\?');
}

/** Text inside a JS/TS comment (block or line): one line, no comment closer. */
export function escapeJsComment(text: string): string {
  return escapeTerminal(text).replace(/\*\//g, '*\\/');
}

/** Text in a Markdown paragraph or heading: one line, Markdown and inline-HTML syntax characters backslash-escaped. */
export function escapeMarkdown(text: string): string {
  return escapeTerminal(text).replace(/[\\`*_{}[\]()<>#+\-.!|~&]/g, (c) => `\\${c}`);
}

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A name for files, folders and build systems (CMake targets, Arduino/Zephyr/PlatformIO library names)
 * from a model-provided string: lowercase ASCII letters, digits and single underscores, starting with a
 * letter, at most 63 characters; `fallback` when nothing usable is left. No quote, newline, slash or dot
 * survives, so it is safe unquoted in paths, CMake, Kconfig, YAML, JSON and .properties files.
 */
export function safeName(text: string, fallback = 'model'): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63)
    .replace(/_+$/, '');
  return name === '' ? fallback : name;
}
