// Bundle the browser verifier into ONE file: node build.mjs [--outfile PATH] [--no-minify]
// Used by the site build (publisher.site.verifier_assets); plain esbuild, no framework.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};

const outfile = path.resolve(value('--outfile', path.join(here, 'dist', 'verifier.js')));
const result = await build({
  entryPoints: [path.join(here, 'src', 'page.js')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2022'],
  minify: !flag('--no-minify'),
  sourcemap: false,
  legalComments: 'eof',
  outfile,
  metafile: true,
  logLevel: 'warning',
  banner: { js: '/* ssgk browser verifier — src: theme/verifier/src, deps: @noble/curves, @noble/hashes (MIT) */' },
});
const bytes = Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
console.log(`wrote ${outfile} (${bytes} bytes)`);
