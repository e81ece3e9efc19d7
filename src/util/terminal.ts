// Text from logs is attacker-controlled: before it reaches a terminal, control characters (ESC sequences
// could rewrite the screen or the title) are shown as visible \xHH escapes.

export function safeText(s: string): string {
  // C0 controls, DEL, C1 controls, and the Unicode bidi overrides that can reorder what is displayed
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}
