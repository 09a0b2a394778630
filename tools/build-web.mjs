// build-web.mjs: bundles the page in web/ with the WebAssembly core into
//   dist/minirec.html  one self-contained file (inline CSS and classic scripts)
//                      that also works when opened from file://
//   dist/site/         index.html + style.css + the core scripts + app.js for
//                      any static web host
// The SIMD build of the core (build/wasm/minirec_core_simd.js, defining
// createMinirecCoreSimd) is included when it exists; the page then picks it
// on engines that support WebAssembly SIMD.
// Run after the core is built: node tools/build-web.mjs [--core PATH] [--simd-core PATH]

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STYLE_MARKER = '<!-- build:style -->';
const SCRIPTS_MARKER = '<!-- build:scripts -->';

function parseArguments(argv) {
  const options = {
    core: path.join(repoRoot, 'build', 'wasm', 'minirec_core.js'),
    simdCore: path.join(repoRoot, 'build', 'wasm', 'minirec_core_simd.js'),
    simdCoreRequired: false,
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--core' && argv[i + 1]) {
      options.core = path.resolve(argv[++i]);
    } else if (argv[i] === '--simd-core' && argv[i + 1]) {
      options.simdCore = path.resolve(argv[++i]);
      options.simdCoreRequired = true;
    } else {
      throw new Error(`invalid argument ${argv[i]}; usage: node tools/build-web.mjs [--core PATH] [--simd-core PATH]`);
    }
  }
  return options;
}

// Makes JavaScript safe to place between <script> and </script>. A literal
// "</script" would end the element early, so its slash is escaped. A "<!--"
// would switch the HTML parser into a legacy escape mode, so it is rejected.
function inlineScript(code, name) {
  if (code.includes('<!--')) {
    throw new Error(`${name} contains "<!--", which cannot be inlined in a <script> element safely`);
  }
  return `<script>\n${code.replace(/<\/(script)/gi, '<\\/$1')}\n</script>`;
}

function fillTemplate(template, style, scripts) {
  for (const marker of [STYLE_MARKER, SCRIPTS_MARKER]) {
    const count = template.split(marker).length - 1;
    if (count !== 1) throw new Error(`web/index.html must contain ${marker} exactly once (found ${count})`);
  }
  // Function replacements keep "$" sequences in the code from being read as patterns.
  return template.replace(STYLE_MARKER, () => style).replace(SCRIPTS_MARKER, () => scripts);
}

function checkFactory(code, exportName, file, extraFlags) {
  if (!code.includes(exportName)) {
    throw new Error(`${file} does not define ${exportName}; build it with -sMODULARIZE=1 -sEXPORT_NAME=${exportName} -sSINGLE_FILE=1${extraFlags}`);
  }
}

async function bundleApp() {
  const result = await esbuild.build({
    entryPoints: [path.join(repoRoot, 'web', 'js', 'main.js')],
    bundle: true,
    format: 'iife',
    target: ['es2020'],
    charset: 'utf8',
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  if (!existsSync(options.core)) {
    throw new Error(`${path.relative(repoRoot, options.core)} not found; build the WebAssembly core first (tools/build.sh)`);
  }

  const hasSimdCore = existsSync(options.simdCore);
  if (options.simdCoreRequired && !hasSimdCore) throw new Error(`${options.simdCore} not found; build the SIMD core first (tools/build.sh)`);

  const [template, css, core, simdCore, app] = await Promise.all([
    readFile(path.join(repoRoot, 'web', 'index.html'), 'utf8'),
    readFile(path.join(repoRoot, 'web', 'css', 'style.css'), 'utf8'),
    readFile(options.core, 'utf8'),
    hasSimdCore ? readFile(options.simdCore, 'utf8') : null,
    bundleApp(),
  ]);
  checkFactory(core, 'createMinirecCore', options.core, '');
  if (simdCore !== null) checkFactory(simdCore, 'createMinirecCoreSimd', options.simdCore, ' -msimd128');

  const dist = path.join(repoRoot, 'dist');
  const site = path.join(dist, 'site');
  await rm(site, { recursive: true, force: true });
  await mkdir(site, { recursive: true });

  // One self-contained file: everything inline.
  const inlineCores = [inlineScript(core, 'the WebAssembly core')];
  if (simdCore !== null) inlineCores.push(inlineScript(simdCore, 'the SIMD WebAssembly core'));
  const single = fillTemplate(template,
    `<style>\n${css}</style>`,
    [...inlineCores, inlineScript(app, 'the page bundle')].join('\n'));
  await writeFile(path.join(dist, 'minirec.html'), single);

  // A folder for static hosting: the same page with separate assets.
  const coreTags = ['<script src="minirec_core.js"></script>'];
  if (simdCore !== null) coreTags.push('<script src="minirec_core_simd.js"></script>');
  const hosted = fillTemplate(template,
    '<link rel="stylesheet" href="style.css">',
    [...coreTags, '<script src="app.js"></script>'].join('\n'));
  await Promise.all([
    writeFile(path.join(site, 'index.html'), hosted),
    writeFile(path.join(site, 'style.css'), css),
    writeFile(path.join(site, 'minirec_core.js'), core),
    simdCore !== null ? writeFile(path.join(site, 'minirec_core_simd.js'), simdCore) : null,
    writeFile(path.join(site, 'app.js'), app),
  ]);

  const kib = (text) => `${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB`;
  const simdText = simdCore !== null ? `, SIMD core ${kib(simdCore)}` : ', no SIMD core';
  console.log(`wrote dist/minirec.html (${kib(single)}) and dist/site/ (core ${kib(core)}${simdText}, app ${kib(app)}, css ${kib(css)})`);
}

main().catch((error) => {
  console.error(`build-web: ${error.message}`);
  process.exit(1);
});
