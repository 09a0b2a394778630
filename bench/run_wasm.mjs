// run_wasm.mjs: runs a minirec-bench WebAssembly build in Node, like the
// native program: node bench/run_wasm.mjs MODULE.js BENCH [options].
// Each JSON line the program prints is written to stdout with
// "runtime":"node" added; the exit status is the program's.

import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

async function main() {
  const [modulePath, ...args] = process.argv.slice(2);
  if (!modulePath || args.length === 0) {
    console.error('usage: node bench/run_wasm.mjs MODULE.js sgd|pipeline|rank [options]');
    process.exit(2);
  }
  const factory = require(path.resolve(modulePath));
  let exitCode = 0;
  await factory({
    arguments: args,
    print: (line) => {
      if (line.startsWith('{')) {
        const record = JSON.parse(line);
        record.runtime = 'node';
        process.stdout.write(`${JSON.stringify(record)}\n`);
      } else {
        process.stdout.write(`${line}\n`);
      }
    },
    printErr: (line) => process.stderr.write(`${line}\n`),
    onExit: (code) => { exitCode = code; },
  });
  process.exitCode = exitCode;
}

main().catch((error) => {
  console.error(`run_wasm: ${error.stack || error}`);
  process.exit(1);
});
