// The one way the web app writes data into an HTML string. React escapes what it renders, but ECharts tooltips take
// the formatter's return value as innerHTML: any text there that a user can set (a tag's unit, a machine's name, a
// lot's supplier …) would otherwise run as markup in the browser of whoever hovers the chart (issue #11 item 4,
// docs/security.md "Stored XSS through charts"). Every formatter that returns HTML builds it with `html` below.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or attribute value: the five characters with a meaning in HTML become entities. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Markup from trusted parts: the template's literal text is kept, every interpolated value is escaped. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += escapeHtml(values[i]) + strings[i + 1];
  return out;
}

/** Escaped lines joined with <br/> (multi-line descriptions in tooltips). */
export function htmlLines(lines: readonly unknown[]): string {
  return lines.map(escapeHtml).join('<br/>');
}
