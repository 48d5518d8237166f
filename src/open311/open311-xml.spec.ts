import { escapeXml, toXml } from './open311-xml.js';

describe('Open311 XML', () => {
  it('escapes markup and drops characters XML 1.0 cannot carry', () => {
    expect(escapeXml(`a<b>&"c'\u0001\uD800d`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;d');
  });

  it('writes a list under its root, null as an empty element, nested lists with their item names', () => {
    expect(toXml('services', 'service', [{ service_code: 'AN-SINH', metadata: true, group: null }]))
      .toBe('<?xml version="1.0" encoding="utf-8"?>\n<services><service><service_code>AN-SINH</service_code><metadata>true</metadata><group></group></service></services>\n');
    expect(toXml('service_definition', null, { service_code: 'X', attributes: [{ code: 'area_code', values: [{ key: '1', name: 'Xã <A>' }] }] }))
      .toContain('<attributes><attribute><code>area_code</code><values><value><key>1</key><name>Xã &lt;A&gt;</name></value></values></attribute></attributes>');
  });
});
