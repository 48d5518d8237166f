/**
 * The XML of GeoReport v2: a root element holding one element per item, each field an element of its own (the
 * spec's examples: `<services><service><service_code>…`). Text is escaped, characters XML 1.0 cannot carry are
 * dropped, null is an empty element, a list is a wrapper holding one element per entry named by LIST_ITEMS.
 */

/** The element of each entry of a list field (`<attributes><attribute>…`, `<values><value>…`). */
const LIST_ITEMS: Record<string, string> = { attributes: 'attribute', values: 'value' };

const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  return text.replace(INVALID_XML_CHARS, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function element(name: string, value: unknown): string {
  if (!NAME.test(name)) throw new Error(`not an XML element name: ${name}`);
  if (value === null || value === undefined) return `<${name}></${name}>`;
  if (Array.isArray(value)) {
    const item = LIST_ITEMS[name] ?? 'item';
    return `<${name}>${value.map((v) => element(item, v)).join('')}</${name}>`;
  }
  if (value instanceof Date) return `<${name}>${escapeXml(value.toISOString())}</${name}>`;
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value as Record<string, unknown>).map(([k, v]) => element(k, v)).join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A whole document: `<root><item>…</item>…</root>`, or `<root>fields…</root>` for one object. */
export function toXml(root: string, itemTag: string | null, body: unknown): string {
  const inner = Array.isArray(body)
    ? body.map((v) => element(itemTag ?? 'item', v)).join('')
    : Object.entries(body as Record<string, unknown>).map(([k, v]) => element(k, v)).join('');
  return `<?xml version="1.0" encoding="utf-8"?>\n<${root}>${inner}</${root}>\n`;
}
