// The document shell shared by report.html and compare.html: one self-contained page (inline CSS, no script,
// a CSP that forbids every fetch), a header, a table of contents and a footer. Callers pass escaped HTML for
// `subtitle`, `toc` items and `body`; `title`, `version` and `footer` are plain text and escaped here.
import { escapeHtml as e } from './escape.ts';
import { REPORT_CSS } from './style.ts';

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export interface PageParts {
  title: string;
  version: string;
  /** HTML */
  subtitle: string;
  /** HTML `<li>` items */
  toc: string[];
  /** HTML */
  body: string;
  footer: string;
}

export function renderPage(p: PageParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dhai ${e(p.version)}">
<title>${e(p.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${e(p.title)}</h1>
<p class="sub">${p.subtitle}</p>
</header>
<nav class="toc" aria-label="Contents"><strong>Contents</strong><ol>${p.toc.join('')}</ol></nav>
${p.body}
<footer>${e(p.footer)}</footer>
</body>
</html>
`;
}
