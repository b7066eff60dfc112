import { safeReturnTo } from './return-to';

describe('safeReturnTo', () => {
  it.each([
    ['/challenges/x?tab=rules', '/challenges/x?tab=rules'],
    ['https://evil.example', '/account'],
    ['//evil.example/path', '/account'],
    ['/\\evil.example', '/account'],
    ['javascript:alert(1)', '/account'],
    ['/ok\r\nSet-Cookie: x', '/account'],
    [undefined, '/account'],
    [['/a', '/b'], '/account'],
  ])('%p → %p', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });
});
