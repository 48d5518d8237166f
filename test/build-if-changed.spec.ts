/**
 * scripts/build-if-changed.mjs (the build step of `npm start`, `cli`, `migration:*` and `bench`) against the real
 * file system: a small project in a temporary folder, with a stand-in for the compiler that writes the outputs and
 * counts its runs. Nothing here measures time.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfChanged } from '../scripts/build-if-changed.mjs';

describe('build-if-changed', () => {
  let root: string;
  let builds: number;
  let failNext: boolean;

  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  /** A stand-in for tsc: src/x.ts -> dist/src/x.js. */
  const fakeTsc = () => {
    builds++;
    if (failNext) {
      failNext = false;
      return 2;
    }
    for (const f of ['a', 'b']) write(`dist/src/${f}.js`, `// ${f}`);
    return 0;
  };
  const run = (force = false) => buildIfChanged({ root, build: fakeTsc, force, log: () => undefined }).result;
  /** Moves a file's modification time forward, as an edit (or `touch`) does. */
  const touch = (path: string) => {
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(root, path), later, later);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'build-if-changed-'));
    builds = 0;
    failNext = false;
    write('tsconfig.json', JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: '.' } }));
    write('tsconfig.build.json', JSON.stringify({ extends: './tsconfig.json', include: ['src'], exclude: ['**/*.spec.ts'] }));
    write('package.json', '{}');
    write('src/a.ts', 'export const a = 1;');
    write('src/b.ts', 'export const b = 2;');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds the first time, and not again while nothing changed', () => {
    expect(run()).toBe('built');
    expect(run()).toBe('up-to-date');
    expect(run()).toBe('up-to-date');
    expect(builds).toBe(1);
  });

  it('builds again after a source is touched, added or removed, or a tsconfig or package file changes', () => {
    run();
    touch('src/a.ts');
    expect(run()).toBe('built');
    write('src/c.ts', 'export const c = 3;');
    expect(run()).toBe('built');
    rmSync(join(root, 'src/c.ts'));
    expect(run()).toBe('built');
    touch('tsconfig.json');
    expect(run()).toBe('built');
    write('package-lock.json', '{}');
    expect(run()).toBe('built');
    expect(run()).toBe('up-to-date');
    expect(builds).toBe(6);
  });

  it('ignores the files the build excludes', () => {
    run();
    write('src/a.spec.ts', 'it("x", () => undefined);');
    expect(run()).toBe('up-to-date');
    expect(builds).toBe(1);
  });

  it('builds again when an output is missing', () => {
    run();
    rmSync(join(root, 'dist/src/b.js'));
    expect(run()).toBe('built');
    expect(builds).toBe(2);
  });

  it('keeps building after a failed build until one succeeds', () => {
    run();
    touch('src/a.ts');
    failNext = true;
    expect(run()).toBe('failed');
    expect(run()).toBe('built');
    expect(run()).toBe('up-to-date');
    expect(builds).toBe(3);
  });

  it('builds when forced, as `npm run build` does', () => {
    run();
    expect(run(true)).toBe('built');
    expect(builds).toBe(2);
  });
});
