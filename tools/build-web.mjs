// build-web.mjs: bundles the page in web/ with the WebAssembly core into
//   dist/minirec.html  one self-contained file (inline CSS and two classic
//                      scripts) that also works when opened from file://
//   dist/site/         index.html + style.css + core.js + app.js for any
//                      static web host, plus data/ml-latest-small/ for "Try
//                      real data" when the MovieLens files sit beside the
//                      repository
// The page runs the core in a Web Worker made from a Blob URL, which the first
// script (core.js, from web/js/core-boot.js, in <head>) starts. That script
// contains the worker's source as strings (the emscripten glue scripts and the
// bundled web/js/worker-main.js) and each core's .wasm, deflated and
// base64-encoded (see web/js/core-wasm.js). The second script (app.js, from
// web/js/main.js, at the end of <body>) is the page. The SIMD build of the core
// (build/wasm/minirec_core_simd.js and .wasm, defining createMinirecCoreSimd)
// is included when it exists, and the worker picks it on engines that support
// WebAssembly SIMD. When the two glue scripts differ only in the factory's
// name and the .wasm file name, the page carries one and both builds use it.
// Run after the core is built: node tools/build-web.mjs [--core PATH] [--simd-core PATH]

import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STYLE_MARKER = '<!-- build:style -->';
const SCRIPTS_MARKER = '<!-- build:scripts -->';
const META_MARKER = '<!-- build:meta -->';
const CORE_MARKER = '<!-- build:core -->';
const WORKER_SOURCE_MODULE = 'minirec:worker-source';

// The MovieLens release that "Try real data" serves, copied unchanged with its
// README.txt, which states the terms that come with it.
const SAMPLE_DATA = {
  source: path.resolve(repoRoot, '..', 'shared', 'data', 'ml-latest-small'),
  siteFolder: 'data/ml-latest-small',
  files: ['ratings.csv', 'movies.csv', 'README.txt'],
};

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

function fillTemplate(template, { style, meta, core, scripts }) {
  const parts = [[STYLE_MARKER, style], [META_MARKER, meta], [CORE_MARKER, core], [SCRIPTS_MARKER, scripts]];
  let page = template;
  for (const [marker, text] of parts) {
    const count = template.split(marker).length - 1;
    if (count !== 1) throw new Error(`web/index.html must contain ${marker} exactly once (found ${count})`);
    // A function replacement keeps "$" sequences in the code from being read as patterns.
    page = page.replace(marker, () => text);
  }
  return page;
}

// The <meta> tags that name the output ('single-file' or 'site') and the core builds it carries.
function buildMeta(kind, coreNames) {
  return `<meta name="minirec-build" content="${kind}">\n<meta name="minirec-cores" content="${coreNames.join(' ')}">`;
}

// Escapes text for a double-quoted HTML attribute.
function htmlAttribute(text) {
  return text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}

function checkFactory(code, exportName, file, extraFlags) {
  if (!code.includes(`var ${exportName}`)) {
    throw new Error(`${file} does not define ${exportName}; build it with -sMODULARIZE=1 -sEXPORT_NAME=${exportName}${extraFlags}`);
  }
  // "AGFzbQ" is the base64 of the .wasm magic number, "\0asm".
  if (code.includes('data:application/octet-stream;base64,AGFzbQ')) {
    throw new Error(`${file} embeds its .wasm; build it without -sSINGLE_FILE so the page can embed the .wasm deflated`);
  }
}

// Reads one core build: the glue script and the .wasm beside it.
async function readCore(gluePath, exportName, extraFlags) {
  const wasmPath = gluePath.replace(/\.js$/, '.wasm');
  if (!existsSync(wasmPath)) {
    throw new Error(`${path.relative(repoRoot, wasmPath)} not found; build the WebAssembly core first (tools/build.sh)`);
  }
  const [glue, wasm] = await Promise.all([readFile(gluePath, 'utf8'), readFile(wasmPath)]);
  checkFactory(glue, exportName, gluePath, extraFlags);
  return { glue, wasm, exportName, wasmName: path.basename(wasmPath) };
}

// Deflates a .wasm at zlib's highest level and checks that it inflates back.
// Returns { wasm: base64 text, size: bytes once inflated, packedSize: bytes deflated }.
function packWasm(wasm) {
  const packed = deflateRawSync(wasm, { level: 9, memLevel: 9 });
  if (!inflateRawSync(packed).equals(wasm)) throw new Error('a deflated .wasm does not inflate back to the same bytes');
  return { wasm: packed.toString('base64'), size: wasm.length, packedSize: packed.length };
}

/**
 * Returns { scripts, builds }: the glue scripts the page runs and, by build
 * name ('plain', 'simd'), { factoryName, wasm, size } for core-wasm.js. The
 * SIMD build shares the plain glue when the two are the same apart from the
 * factory's name and the .wasm file name.
 */
function packCores(plain, simd) {
  const scripts = [plain.glue];
  const builds = { plain: { factoryName: plain.exportName, ...packWasm(plain.wasm) } };
  if (simd) {
    const renamed = simd.glue.replaceAll(simd.exportName, plain.exportName).replaceAll(simd.wasmName, plain.wasmName);
    const shared = renamed === plain.glue;
    if (!shared) scripts.push(simd.glue);
    builds.simd = { factoryName: shared ? plain.exportName : simd.exportName, ...packWasm(simd.wasm) };
  }
  return { scripts, builds };
}

// The page needs { factoryName, wasm, size } per build; packedSize is for the log.
function stripPackedSizes(builds) {
  return Object.fromEntries(Object.entries(builds).map(([name, { packedSize: _, ...build }]) => [name, build]));
}

const BUNDLE_OPTIONS = {
  bundle: true,
  format: 'iife',
  target: ['es2020'],
  charset: 'utf8',
  legalComments: 'none',
  minify: true,
  write: false,
  logLevel: 'warning',
};

// Bundles the worker entry; its text runs after the core scripts in one Blob.
async function bundleWorker() {
  const result = await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: [path.join(repoRoot, 'web', 'js', 'worker-main.js')] });
  return result.outputFiles[0].text;
}

// Bundles the first script, web/js/core-boot.js. Its import of
// WORKER_SOURCE_MODULE resolves to the glue scripts, the packed core builds
// and the worker bundle as constants.
async function bundleCoreBoot(coreScripts, coreBuilds, workerScript) {
  const workerSourcePlugin = {
    name: 'worker-source',
    setup(build) {
      build.onResolve({ filter: /^minirec:worker-source$/ }, () => ({ path: WORKER_SOURCE_MODULE, namespace: 'worker-source' }));
      build.onLoad({ filter: /.*/, namespace: 'worker-source' }, () => ({
        contents: `export const CORE_SCRIPTS = ${JSON.stringify(coreScripts)};\n` +
          `export const CORE_BUILDS = ${JSON.stringify(coreBuilds)};\n` +
          `export const WORKER_SCRIPT = ${JSON.stringify(workerScript)};\n`,
        loader: 'js',
      }));
    },
  };
  const result = await esbuild.build({
    ...BUNDLE_OPTIONS,
    entryPoints: [path.join(repoRoot, 'web', 'js', 'core-boot.js')],
    plugins: [workerSourcePlugin],
  });
  return result.outputFiles[0].text;
}

// Bundles the page, web/js/main.js.
async function bundleApp() {
  const result = await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: [path.join(repoRoot, 'web', 'js', 'main.js')] });
  return result.outputFiles[0].text;
}

// Copies the sample data into the site unchanged. Returns the <meta> tag that
// gives the page its location, or '' (with a log line) when it is absent.
async function copySampleData(site) {
  const missing = SAMPLE_DATA.files.filter((name) => !existsSync(path.join(SAMPLE_DATA.source, name)));
  if (missing.length) {
    console.log(`build-web: ${SAMPLE_DATA.source} lacks ${missing.join(', ')}; the site is built without "Try real data"`);
    return '';
  }
  const target = path.join(site, ...SAMPLE_DATA.siteFolder.split('/'));
  await mkdir(target, { recursive: true });
  const files = [];
  for (const name of SAMPLE_DATA.files) {
    await copyFile(path.join(SAMPLE_DATA.source, name), path.join(target, name));
    files.push({ name, size: (await stat(path.join(target, name))).size });
  }
  const description = { folder: `${SAMPLE_DATA.siteFolder}/`, release: 'ml-latest-small', files };
  return `<meta name="minirec-sample-data" content="${htmlAttribute(JSON.stringify(description))}">`;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  if (!existsSync(options.core)) {
    throw new Error(`${path.relative(repoRoot, options.core)} not found; build the WebAssembly core first (tools/build.sh)`);
  }

  const hasSimdCore = existsSync(options.simdCore);
  if (options.simdCoreRequired && !hasSimdCore) throw new Error(`${options.simdCore} not found; build the SIMD core first (tools/build.sh)`);

  const [template, css, core, simdCore, workerScript] = await Promise.all([
    readFile(path.join(repoRoot, 'web', 'index.html'), 'utf8'),
    readFile(path.join(repoRoot, 'web', 'css', 'style.css'), 'utf8'),
    readCore(options.core, 'createMinirecCore', ''),
    hasSimdCore ? readCore(options.simdCore, 'createMinirecCoreSimd', ' -msimd128') : null,
    bundleWorker(),
  ]);
  const packed = packCores(core, simdCore);
  const [coreBoot, app] = await Promise.all([
    bundleCoreBoot(packed.scripts, stripPackedSizes(packed.builds), workerScript),
    bundleApp(),
  ]);
  const coreNames = Object.keys(packed.builds);

  const dist = path.join(repoRoot, 'dist');
  const site = path.join(dist, 'site');
  await rm(site, { recursive: true, force: true });
  await mkdir(site, { recursive: true });

  // One self-contained file: everything inline, no sample data. The
  // minirec-build meta tag names the output (single file or site) for the page.
  const single = fillTemplate(template, {
    style: `<style>\n${css}</style>`,
    meta: buildMeta('single-file', coreNames),
    core: inlineScript(coreBoot, 'the core start-up bundle'),
    scripts: inlineScript(app, 'the page bundle'),
  });
  await writeFile(path.join(dist, 'minirec.html'), single);

  // A folder for static hosting: the same page with separate assets.
  const sampleMeta = await copySampleData(site);
  const hosted = fillTemplate(template, {
    style: '<link rel="stylesheet" href="style.css">',
    meta: `${buildMeta('site', coreNames)}${sampleMeta ? `\n${sampleMeta}` : ''}`,
    core: '<script src="core.js"></script>',
    scripts: '<script src="app.js"></script>',
  });
  await Promise.all([
    writeFile(path.join(site, 'index.html'), hosted),
    writeFile(path.join(site, 'style.css'), css),
    writeFile(path.join(site, 'core.js'), coreBoot),
    writeFile(path.join(site, 'app.js'), app),
  ]);

  const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  const coreText = (build) => `${kib(build.size)} .wasm deflated to ${kib(build.packedSize)}`;
  const simdText = packed.builds.simd ? `, SIMD core ${coreText(packed.builds.simd)}` : ', no SIMD core';
  const glueText = `${packed.scripts.length === 1 ? 'one shared glue script' : 'two glue scripts'} of ${kib(core.glue.length)}`;
  const dataText = sampleMeta ? `, sample data in ${SAMPLE_DATA.siteFolder}/` : '';
  console.log(`wrote dist/minirec.html (${kib(Buffer.byteLength(single))}) and dist/site/ (app ${kib(Buffer.byteLength(app))}, ` +
    `core.js ${kib(Buffer.byteLength(coreBoot))} with core ${coreText(packed.builds.plain)}${simdText}, ${glueText}, ` +
    `worker ${kib(workerScript.length)}, css ${kib(css.length)}${dataText})`);
}

main().catch((error) => {
  console.error(`build-web: ${error.message}`);
  process.exit(1);
});
