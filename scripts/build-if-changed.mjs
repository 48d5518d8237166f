// `npm start`, `npm run cli`, `migration:*` and `bench` run this first: it compiles (tsc -p tsconfig.build.json) only
// when an input of the build changed since the last successful build, so starting a built checkout costs no build.
//
// Inputs: every file under the folders that tsconfig.build.json includes (minus its `**/*.x` excludes), the
// tsconfig files, package.json, package-lock.json and node_modules/.package-lock.json (rewritten by every install).
// A file counts as changed when its path, size or modification time differs from the last build's (so `touch`
// rebuilds). The list is written to dist/.build-stamp.json after a successful build only; a failed build leaves
// the old stamp, so the next run builds again. A missing output (dist/…/x.js for an x.ts) forces a full build.
// One build at a time: a lock directory under dist/ makes a second caller wait, then use what the first built.
//
//   node scripts/build-if-changed.mjs            build when something changed, silent otherwise
//   node scripts/build-if-changed.mjs --force    build whatever the stamp says (`npm run build`)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DEFAULT_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const STAMP = '.build-stamp.json';
const LOCK = '.build-lock';
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'var', 'coverage', '.git']);
/** A build that has held the lock this long is taken to have died without removing it. */
const STALE_LOCK_MS = 15 * 60_000;

/** The build's project file: where the inputs are and where the outputs go. */
function readBuildConfig(root, project) {
  const config = JSON.parse(readFileSync(join(root, project), 'utf8'));
  const base = config.extends ? JSON.parse(readFileSync(join(root, config.extends), 'utf8')) : {};
  const options = { ...base.compilerOptions, ...config.compilerOptions };
  return {
    include: config.include ?? base.include ?? ['.'],
    // only the `**/*<suffix>` form of exclude is understood (the form this project uses)
    excludeSuffixes: (config.exclude ?? base.exclude ?? []).filter((p) => p.startsWith('**/*')).map((p) => p.slice(4)),
    outDir: options.outDir ?? 'dist',
    rootDir: options.rootDir ?? '.',
    tsBuildInfoFile: options.tsBuildInfoFile ?? null,
    extendsFile: config.extends ?? null,
  };
}

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return;
    throw e;
  }
  for (const e of entries) {
    if (e.name.startsWith('.') || SKIPPED_DIRS.has(e.name)) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, out);
    else if (e.isFile()) out.push(path);
  }
}

/**
 * What the build depends on: `relative path -> "size:mtime"`, and the outputs the build must have produced.
 * Takes a few milliseconds for a few hundred files (no file is read).
 */
export function collectInputs(root = DEFAULT_ROOT, project = 'tsconfig.build.json') {
  const cfg = readBuildConfig(root, project);
  const files = [];
  for (const inc of cfg.include) {
    const path = join(root, inc);
    if (existsSync(path) && statSync(path).isDirectory()) walk(path, files);
    else files.push(path);
  }
  const sources = files.filter((f) => !cfg.excludeSuffixes.some((s) => f.endsWith(s)));
  const extra = [project, cfg.extendsFile, 'package.json', 'package-lock.json', join('node_modules', '.package-lock.json')]
    .filter(Boolean).map((f) => join(root, f));
  const inputs = {};
  for (const f of [...sources, ...extra]) {
    try {
      const st = statSync(f);
      inputs[relative(root, f).split(sep).join('/')] = `${st.size}:${Math.trunc(st.mtimeMs)}`;
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
  }
  // x.ts -> outDir/x.js, x.mts -> outDir/x.mjs (declaration files emit nothing)
  const outputs = sources
    .filter((f) => /\.m?ts$/.test(f) && !/\.d\.m?ts$/.test(f))
    .map((f) => join(root, cfg.outDir, relative(join(root, cfg.rootDir), f)).replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs'));
  return { inputs, outputs, outDir: join(root, cfg.outDir), tsBuildInfo: cfg.tsBuildInfoFile ? join(root, cfg.tsBuildInfoFile) : null };
}

function readStamp(outDir) {
  try {
    return JSON.parse(readFileSync(join(outDir, STAMP), 'utf8'));
  } catch {
    return null;
  }
}

/** Paths added, removed or changed since the stamp (all of them when there is no stamp). */
export function changedSince(stamp, inputs) {
  if (!stamp?.inputs) return Object.keys(inputs);
  const changed = Object.keys(inputs).filter((k) => stamp.inputs[k] !== inputs[k]);
  const removed = Object.keys(stamp.inputs).filter((k) => !(k in inputs));
  return [...changed, ...removed];
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Takes the build lock (waiting while another live build holds it); returns its release function. */
function lock(outDir) {
  mkdirSync(outDir, { recursive: true });
  const dir = join(outDir, LOCK);
  let said = false;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let pid = NaN;
    let age = 0;
    try {
      pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      age = Date.now() - statSync(dir).mtimeMs;
    } catch {
      // the holder is between mkdir and writing its pid, or has just released the lock
    }
    if ((Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) || age > STALE_LOCK_MS) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (!said) {
      console.error(`build: waiting for another build (pid ${pid || '?'}) to finish…`);
      said = true;
    }
    sleep(200);
  }
}

/** Runs the project's TypeScript compiler; returns its exit status. */
export function runTsc(root = DEFAULT_ROOT, project = 'tsconfig.build.json') {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const res = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
  if (res.error) throw res.error;
  return res.status ?? 1;
}

/**
 * Builds when an input changed since the last successful build (or an output is missing, or `force`).
 * Returns what happened: 'up-to-date', 'built' or 'failed' (with the compiler's exit status).
 */
export function buildIfChanged({ root = DEFAULT_ROOT, project = 'tsconfig.build.json', force = false, build = () => runTsc(root, project), log = (m) => console.error(m) } = {}) {
  const first = collectInputs(root, project);
  const release = lock(first.outDir);
  try {
    // collected again under the lock: another process may have built meanwhile
    const { inputs, outputs, outDir, tsBuildInfo } = collectInputs(root, project);
    const stamp = readStamp(outDir);
    const changed = changedSince(stamp, inputs);
    const missing = outputs.filter((f) => !existsSync(f));
    if (!force && !changed.length && !missing.length) return { result: 'up-to-date', changed, missing };
    if (missing.length && tsBuildInfo) {
      // an incremental build trusts its build info and would not write the missing files again
      rmSync(tsBuildInfo, { force: true });
    }
    const why = force ? 'build requested'
      : !stamp ? 'no previous build'
      : changed.length ? `${changed.length} file(s) changed since the last build (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''})`
      : `${missing.length} output(s) missing (${relative(root, missing[0])}${missing.length > 1 ? ', …' : ''})`;
    log(`build: ${why}: compiling…`);
    const status = build();
    if (status !== 0) return { result: 'failed', status, changed, missing };
    // the inputs as they were before compiling: a file edited during the build is seen as changed next time
    const tmp = join(outDir, `${STAMP}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify({ builtAt: new Date().toISOString(), fingerprint: fingerprint(inputs), inputs }, null, 1));
    renameSync(tmp, join(outDir, STAMP));
    return { result: 'built', changed, missing };
  } finally {
    release();
  }
}

function fingerprint(inputs) {
  const h = createHash('sha256');
  for (const k of Object.keys(inputs).sort()) h.update(`${k}\t${inputs[k]}\n`);
  return h.digest('hex');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outcome = buildIfChanged({ force: process.argv.includes('--force') });
  if (outcome.result === 'failed') process.exit(outcome.status || 1);
}
