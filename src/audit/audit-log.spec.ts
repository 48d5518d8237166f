import { auditSnapshot } from './audit-log.js';

describe('auditSnapshot', () => {
  it('keeps plain values, dates as ISO strings, and drops secrets at any depth', () => {
    expect(auditSnapshot({
      username: 'canbo', passwordHash: 'scrypt$…', role: 'unit_staff', validFrom: new Date('2026-03-02T02:00:00Z'),
      channel: { token: 'abc', name: 'Zalo' }, emails: ['a@example.vn'],
    })).toEqual({ username: 'canbo', role: 'unit_staff', validFrom: '2026-03-02T02:00:00.000Z', channel: { name: 'Zalo' }, emails: ['a@example.vn'] });
  });

  it('null for nothing (a creation has no before, a removal no after)', () => {
    expect(auditSnapshot(null)).toBeNull();
    expect(auditSnapshot(undefined)).toBeNull();
  });
});
