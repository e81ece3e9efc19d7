// The report's only stylesheet, inlined: readable on screen and on paper, colours from the Okabe–Ito palette
// and never the only carrier of meaning (severities are written out).
import { OKABE_ITO, SEVERITY_COLORS } from './palette.ts';

export const REPORT_CSS = `
:root { --ink: #1a1a1a; --muted: #5a5a5a; --rule: #d0d0d0; --panel: #f6f6f6; --accent: ${OKABE_ITO.blue}; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; line-height: 1.45; }
body { margin: 0 auto; max-width: 1100px; padding: 1.5rem 1.25rem 4rem; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; padding-top: .6rem; border-top: 2px solid var(--ink); }
h3 { font-size: 1.08rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: .98rem; margin: 1rem 0 .3rem; }
p, li { max-width: 75ch; }
a { color: var(--accent); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
.sub { color: var(--muted); margin: 0 0 1rem; }
nav.toc { background: var(--panel); padding: .6rem 1rem; border-radius: 4px; }
nav.toc ol { margin: .2rem 0; padding-left: 1.3rem; columns: 2; }
table { border-collapse: collapse; margin: .4rem 0 .8rem; font-size: .88rem; max-width: 100%; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .55rem; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td { overflow-wrap: anywhere; word-break: break-word; max-width: 40ch; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.table-wrap { overflow-x: auto; }
.note { color: var(--muted); font-size: .85rem; margin: .2rem 0 .8rem; }
.null { color: var(--muted); }
.sev { display: inline-block; min-width: 5.2em; padding: .05rem .4rem; border-radius: 3px; font-size: .8rem; font-weight: 700;
  text-transform: uppercase; letter-spacing: .03em; border: 2px solid currentColor; text-align: center; background: #fff; }
.sev-critical { color: #9e3a00; border-color: ${SEVERITY_COLORS.critical}; border-style: double; border-width: 3px; }
.sev-high { color: #a85d00; border-color: ${SEVERITY_COLORS.high}; }
.sev-medium { color: #9c4a7d; border-color: ${SEVERITY_COLORS.medium}; }
.sev-low { color: #2f6f99; border-color: ${SEVERITY_COLORS.low}; border-style: dashed; }
.sev-info { color: #555; border-color: ${SEVERITY_COLORS.info}; border-style: dotted; }
article.finding { border-left: 4px solid var(--rule); padding: .1rem 0 .4rem 1rem; margin: 1.2rem 0; break-inside: avoid-page; }
article.finding.critical { border-left-color: ${SEVERITY_COLORS.critical}; }
article.finding.high { border-left-color: ${SEVERITY_COLORS.high}; }
article.finding.medium { border-left-color: ${SEVERITY_COLORS.medium}; }
.remediation { background: var(--panel); padding: .5rem .8rem; border-radius: 4px; max-width: 80ch; }
.na { border: 2px dashed var(--rule); padding: .6rem 1rem; border-radius: 4px; }
.na strong { color: ${OKABE_ITO.vermillion}; }
.error { color: ${OKABE_ITO.vermillion}; }
figure { margin: 1rem 0; break-inside: avoid; }
figure svg { width: 100%; height: auto; max-width: 760px; display: block; }
figcaption { font-weight: 600; font-size: .92rem; margin-top: .3rem; }
.better { color: ${OKABE_ITO.bluishGreen}; }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .4rem 0 1rem; }
dl.prov dt { font-weight: 600; }
dl.prov dd { margin: 0; overflow-wrap: anywhere; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--rule); padding-top: .6rem; }
@media print {
  @page { margin: 15mm 12mm; }
  html { font-size: 10pt; }
  body { max-width: none; padding: 0; }
  nav.toc ol { columns: 2; }
  h2 { break-before: page; break-after: avoid; }
  h3, h4 { break-after: avoid; }
  header + nav + section h2, #findings h2 { break-before: auto; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; }
  td { max-width: none; }
  thead { display: table-header-group; }
  tr, figure, .remediation { break-inside: avoid; }
  .sev, article.finding, .na strong, figure svg { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;
