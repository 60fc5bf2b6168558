// Bundle theme/verifier/src/tlock.js alone for Chromium, exactly as build.mjs bundles the
// verifier (esbuild, iife, browser, es2022, minified), exposing it as window.ssgkTlock:
//   node bundle_tlock.mjs OUTFILE
// Used by the Chromium test and bench/bench_tlock.py until the embargo check in verify.js
// imports tlock.js (then it is inside the one verifier bundle).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const vdir = path.join(here, '..', '..', 'theme', 'verifier');
const { build } = createRequire(path.join(vdir, 'package.json'))('esbuild');
const outfile = path.resolve(process.argv[2]);
const result = await build({
  entryPoints: [path.join(vdir, 'src', 'tlock.js')],
  bundle: true,
  format: 'iife',
  globalName: 'ssgkTlock',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  outfile,
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
console.log(JSON.stringify({ outfile, bytes }));
