// The one way text from data reaches HTML. SNI, certificate subjects and DNS names are attacker-controlled, so
// every string the report or the web UI puts into a page (element text or a quoted attribute value) goes
// through escapeHtml; nothing else builds markup from data.

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

// C0 controls other than TAB/LF/CR, DEL, C1 controls, lone surrogates and noncharacters are not valid in an
// HTML document; they are shown as a visible code instead of being dropped, so evidence stays faithful.
const INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Bidi overrides can reorder what a reader sees (a name that displays as something else): shown as codes too.
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

function codePoint(c: string): string {
  return `\\u{${c.charCodeAt(0).toString(16).padStart(4, '0')}}`;
}

/** Text safe inside an element or a double- or single-quoted attribute value. */
export function escapeHtml(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return s.replace(INVALID, codePoint).replace(BIDI, codePoint).replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]!);
}

/** A fragment id built from data: only [a-z0-9-], so it is safe in id="…" and href="#…" without further escaping. */
export function anchorId(...parts: string[]): string {
  const raw = parts.join('-').toLowerCase();
  const clean = raw.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
  // a short hash keeps ids of different strings apart after cleaning
  let h = 2166136261;
  for (let i = 0; i < raw.length; i++) h = Math.imul(h ^ raw.charCodeAt(i), 16777619);
  return `${clean || 'x'}-${(h >>> 0).toString(36)}`;
}
