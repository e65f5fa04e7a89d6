// Preloaded with `node --import`: appends every module the program loads to the file named by
// PM_IMPORT_LOG (as file: URLs), so a test can tell which parts of pm a command loaded. The
// CLI's bundles are CommonJS, loaded by require(), which module hooks do not see on Node 20:
// those are read from require's cache when the process exits. ES modules (the dashboard's
// bundle) come from the resolve hook.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const hook = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.PM_IMPORT_LOG, result.url + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

const required = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const files = Object.keys(required).map((file) => `${pathToFileURL(file).href}\n`);
  appendFileSync(process.env.PM_IMPORT_LOG ?? '', files.join(''));
});
