// build-web.mjs: bundles the page in web/ with the WebAssembly core into
//   dist/minirec.html  one self-contained file (inline CSS and one classic
//                      script) that also works when opened from file://
//   dist/site/         index.html + style.css + app.js for any static web
//                      host, plus data/ml-latest-small/ for "Try real data"
//                      when the MovieLens files sit beside the repository
// The page runs the core in a Web Worker made from a Blob URL. app.js contains
// the worker's source as strings: the emscripten core scripts and the
// bundled web/js/worker-main.js. The SIMD build of the core
// (build/wasm/minirec_core_simd.js, defining createMinirecCoreSimd) is
// included when it exists; the worker picks it on engines that support
// WebAssembly SIMD.
// Run after the core is built: node tools/build-web.mjs [--core PATH] [--simd-core PATH]

import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STYLE_MARKER = '<!-- build:style -->';
const SCRIPTS_MARKER = '<!-- build:scripts -->';
const META_MARKER = '<!-- build:meta -->';
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

function fillTemplate(template, style, scripts, meta) {
  for (const marker of [STYLE_MARKER, SCRIPTS_MARKER, META_MARKER]) {
    const count = template.split(marker).length - 1;
    if (count !== 1) throw new Error(`web/index.html must contain ${marker} exactly once (found ${count})`);
  }
  // Function replacements keep "$" sequences in the code from being read as patterns.
  return template.replace(STYLE_MARKER, () => style).replace(SCRIPTS_MARKER, () => scripts)
    .replace(META_MARKER, () => meta);
}

// The <meta> tag that names the output: 'single-file' or 'site'.
function buildMeta(kind) {
  return `<meta name="minirec-build" content="${kind}">`;
}

// Escapes text for a double-quoted HTML attribute.
function htmlAttribute(text) {
  return text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}

function checkFactory(code, exportName, file, extraFlags) {
  if (!code.includes(exportName)) {
    throw new Error(`${file} does not define ${exportName}; build it with -sMODULARIZE=1 -sEXPORT_NAME=${exportName} -sSINGLE_FILE=1${extraFlags}`);
  }
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

// Bundles the page. The import of WORKER_SOURCE_MODULE resolves to the core
// scripts and the worker bundle as string constants.
async function bundleApp(coreScripts, workerScript) {
  const workerSourcePlugin = {
    name: 'worker-source',
    setup(build) {
      build.onResolve({ filter: /^minirec:worker-source$/ }, () => ({ path: WORKER_SOURCE_MODULE, namespace: 'worker-source' }));
      build.onLoad({ filter: /.*/, namespace: 'worker-source' }, () => ({
        contents: `export const CORE_SCRIPTS = ${JSON.stringify(coreScripts)};\n` +
          `export const WORKER_SCRIPT = ${JSON.stringify(workerScript)};\n`,
        loader: 'js',
      }));
    },
  };
  const result = await esbuild.build({
    ...BUNDLE_OPTIONS,
    entryPoints: [path.join(repoRoot, 'web', 'js', 'main.js')],
    plugins: [workerSourcePlugin],
  });
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
    readFile(options.core, 'utf8'),
    hasSimdCore ? readFile(options.simdCore, 'utf8') : null,
    bundleWorker(),
  ]);
  checkFactory(core, 'createMinirecCore', options.core, '');
  if (simdCore !== null) checkFactory(simdCore, 'createMinirecCoreSimd', options.simdCore, ' -msimd128');
  const app = await bundleApp(simdCore !== null ? [core, simdCore] : [core], workerScript);

  const dist = path.join(repoRoot, 'dist');
  const site = path.join(dist, 'site');
  await rm(site, { recursive: true, force: true });
  await mkdir(site, { recursive: true });

  // One self-contained file: everything inline, no sample data. The
  // minirec-build meta tag names the output (single file or site) for the page.
  const single = fillTemplate(template, `<style>\n${css}</style>`, inlineScript(app, 'the page bundle'),
    buildMeta('single-file'));
  await writeFile(path.join(dist, 'minirec.html'), single);

  // A folder for static hosting: the same page with separate assets.
  const sampleMeta = await copySampleData(site);
  const hosted = fillTemplate(template, '<link rel="stylesheet" href="style.css">', '<script src="app.js"></script>',
    `${buildMeta('site')}${sampleMeta ? `\n${sampleMeta}` : ''}`);
  await Promise.all([
    writeFile(path.join(site, 'index.html'), hosted),
    writeFile(path.join(site, 'style.css'), css),
    writeFile(path.join(site, 'app.js'), app),
  ]);

  const kib = (text) => `${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB`;
  const simdText = simdCore !== null ? `, SIMD core ${kib(simdCore)}` : ', no SIMD core';
  const dataText = sampleMeta ? `, sample data in ${SAMPLE_DATA.siteFolder}/` : '';
  console.log(`wrote dist/minirec.html (${kib(single)}) and dist/site/ (app ${kib(app)} with core ${kib(core)}${simdText} ` +
    `and worker ${kib(workerScript)}, css ${kib(css)}${dataText})`);
}

main().catch((error) => {
  console.error(`build-web: ${error.message}`);
  process.exit(1);
});
