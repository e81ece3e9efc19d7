// Counting what could not be stored, by reason, with the first examples as file:line, so that nothing
// is lost silently and the summary can show the user where to look.

export interface RejectReason {
  reason: string;
  count: number;
  examples: { line: number; text: string }[];
}

export const MAX_EXAMPLES = 5;

export class RejectTally {
  private readonly byReason = new Map<string, RejectReason>();
  total = 0;

  add(reason: string, line: number, text: string): void {
    this.total++;
    let r = this.byReason.get(reason);
    if (!r) this.byReason.set(reason, (r = { reason, count: 0, examples: [] }));
    r.count++;
    if (r.examples.length < MAX_EXAMPLES) r.examples.push({ line, text: text.length > 200 ? `${text.slice(0, 200)}…` : text });
  }

  list(): RejectReason[] {
    return [...this.byReason.values()].sort((a, b) => b.count - a.count);
  }
}
