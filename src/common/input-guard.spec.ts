import { badTextReason, findBadText, jsonNestingExceeds, MAX_JSON_DEPTH } from './input-guard.js';

const nested = (open: string, close: string, n: number) => `${open.repeat(n)}1${close.repeat(n)}`;

describe('jsonNestingExceeds', () => {
  it(`accepts ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1}, for arrays, objects and a mix`, () => {
    expect(jsonNestingExceeds(nested('[', ']', MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestingExceeds(nested('[', ']', MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonNestingExceeds(nested('{"a":', '}', MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestingExceeds(nested('{"a":', '}', MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonNestingExceeds(nested('{"a":[', ']}', 17))).toBe(true);
  });

  it('counts depth, not the number of brackets: many siblings are fine', () => {
    expect(jsonNestingExceeds(`[${'[1],'.repeat(10_000)}[1]]`)).toBe(false);
    expect(jsonNestingExceeds(JSON.stringify({ a: [{ b: [1, 2] }, { c: { d: [] } }], e: {} }))).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestingExceeds(JSON.stringify({ text: '['.repeat(1000) }))).toBe(false);
    expect(jsonNestingExceeds(JSON.stringify({ text: `\\"${'{'.repeat(1000)}` }))).toBe(false);
    expect(jsonNestingExceeds(`{"a":"\\\\"${',"b":['.repeat(40)}`)).toBe(true);
  });

  it('works on raw UTF-8 bytes and on unclosed or malformed text, without recursion', () => {
    expect(jsonNestingExceeds(Buffer.from(`{"tên":"Hòa Lợi ${'['.repeat(100)}"}`))).toBe(false);
    expect(jsonNestingExceeds(Buffer.from('['.repeat(5000)))).toBe(true);
    expect(jsonNestingExceeds('{"a":'.repeat(3000))).toBe(true);
    expect(jsonNestingExceeds('[[[]]]]]]]]]')).toBe(false);
    expect(jsonNestingExceeds('[[["unterminated')).toBe(false);
  });
});

describe('badTextReason', () => {
  it('refuses NUL and lone surrogates, accepts everything else including pairs and Vietnamese', () => {
    expect(badTextReason('a\u0000b')).toMatch(/NUL/);
    expect(badTextReason('\ud800')).toMatch(/Unicode/);
    expect(badTextReason('x\udc00')).toMatch(/Unicode/);
    expect(badTextReason('\ud83d')).toMatch(/Unicode/);
    expect(badTextReason('😀 Đường ngập ở xã Hòa Lợi')).toBeNull();
    expect(badTextReason('\u0001\u001f\ufeff\uffff')).toBeNull();
  });
});

describe('findBadText', () => {
  it('names the field by its path, first in document order', () => {
    expect(findBadText({ a: 'ok', emails: ['x@y.vn', 'a\u0000@b.vn'], z: '\u0000' }, '')).toEqual({ field: 'emails.1', reason: expect.stringMatching(/NUL/) });
    expect(findBadText({ reporter: { name: 'An\ud800' } }, '')).toEqual({ field: 'reporter.name', reason: expect.stringMatching(/Unicode/) });
    expect(findBadText('abc\u0000', 'code')).toEqual({ field: 'code', reason: expect.stringMatching(/NUL/) });
    expect(findBadText('abc\u0000', '')).toEqual({ field: 'body', reason: expect.stringMatching(/NUL/) });
  });

  it('refuses a bad field name, shown escaped', () => {
    expect(findBadText({ 'a\u0000b': 1 }, '')).toEqual({ field: 'a\\u0000b', reason: expect.stringMatching(/^có tên trường .*NUL/) });
  });

  it('passes clean values of every type, buffers left alone', () => {
    expect(findBadText({ a: 1, b: null, c: [true, 1.5, 'Hòa Lợi'], d: Buffer.from([0, 0xd8]) }, '')).toBeNull();
    expect(findBadText(undefined, '')).toBeNull();
  });

  it('walks a value nested far deeper than the stack would allow a recursive walk', () => {
    let deep: unknown = 'đáy\u0000';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(findBadText(deep, 'x')?.field).toMatch(/^x(\.0)+$/);
  });
});
