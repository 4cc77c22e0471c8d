// One sample of the real-VS-Code benchmark: a fresh VS Code server and browser window that
// run the in-host module, through the test harness. bench/vscodeBench.ts runs one process per
// sample, so that every window starts cold and the harness's output stays out of the table.
//
//   node bench/vscode/window.mjs '<JSON options for runExtensionTests>'
//
// Exits with the harness's code, or 2 when the harness is not installed.
import { runExtensionTests } from '../../test/harness/vscodeHarness.mjs';

let code;
try {
  code = await runExtensionTests(JSON.parse(process.argv[2]));
} catch (error) {
  // runExtensionTests throws only when the harness is missing; its message says how to install it.
  console.error(error.message);
  code = 2;
}
process.exit(code);
