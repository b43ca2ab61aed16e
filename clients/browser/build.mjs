// Builds the browser client from src/ into dist/: the ES module (herald.mjs), the classic script
// (herald.js, which defines window.Herald) and the type declarations (types/). `--check` builds into a
// temporary folder and fails when dist/ differs from it, so the committed files (which Herald serves at
// /herald.js and /herald.mjs) are never stale.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const check = process.argv.includes('--check');
const out = check ? mkdtempSync(join(tmpdir(), 'herald-browser-')) : join(root, 'dist');
const banner = '/* Herald browser client (clients/browser). Built from src/ by build.mjs: do not edit. */';

const common = {
  entryPoints: [join(root, 'src/index.ts')],
  bundle: true,
  target: ['es2019'],
  banner: { js: banner },
  legalComments: 'none',
  logLevel: 'warning'
};

rmSync(join(out, 'types'), { recursive: true, force: true });
await build({ ...common, format: 'esm', outfile: join(out, 'herald.mjs') });
await build({
  ...common,
  format: 'iife',
  globalName: 'Herald',
  // a classic script has no import.meta: it finds its origin from document.currentScript
  define: { 'import.meta.url': 'undefined' },
  // window.Herald is the default export (the same functions as the module's named ones)
  footer: { js: 'Herald = Herald.default;' },
  outfile: join(out, 'herald.js')
});
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'),
  '--declarationDir', join(out, 'types')], { stdio: 'inherit' });

if (check) {
  const files = (dir) => readdirSync(dir).flatMap((f) => statSync(join(dir, f)).isDirectory()
    ? files(join(dir, f)) : [join(dir, f)]);
  const built = files(out).map((f) => relative(out, f)).sort();
  const committed = files(join(root, 'dist')).map((f) => relative(join(root, 'dist'), f)).sort();
  const stale = built.filter((f) => !committed.includes(f) || !readFileSync(join(out, f)).equals(
    readFileSync(join(root, 'dist', f)))).concat(committed.filter((f) => !built.includes(f)));
  rmSync(out, { recursive: true, force: true });
  if (stale.length) {
    console.error('clients/browser/dist is stale (run npm run build and commit it): ' + stale.join(', '));
    process.exit(1);
  }
  console.log('clients/browser/dist is what src/ builds');
}
