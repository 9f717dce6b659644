import { describe, expect, it } from 'vitest';
import { loginPath, safeNext } from './safe-redirect.js';

describe('safeNext', () => {
  it('keeps same-origin paths with their query', () => {
    expect(safeNext('/tasks?status=pending')).toBe('/tasks?status=pending');
    expect(loginPath('/settings')).toBe('/login?next=%2Fsettings');
  });

  it.each(['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '/login', '', null])(
    'refuses %s',
    (next) => expect(safeNext(next)).toBe('/'),
  );
});
