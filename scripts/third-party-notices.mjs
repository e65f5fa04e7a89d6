// The licence notices of the code esbuild bundled, shipped beside it in dist.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One notice per bundled package (name, version, licence text), sorted by name. */
export async function writeThirdPartyNotices(metafile, file) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) dirs.add(match[1]);
  }
  const notices = [];
  for (const dir of dirs) {
    const { name, version, license } = JSON.parse(
      await readFile(join(dir, 'package.json'), 'utf8'),
    );
    const licenceFile = (await readdir(dir)).find((entry) => /^(licen[cs]e|copying)/i.test(entry));
    const text = licenceFile ? (await readFile(join(dir, licenceFile), 'utf8')).trim() : '';
    notices.push({
      name,
      text: `${name}@${version} (${license ?? 'no licence field'})\n\n${text}`,
    });
  }
  notices.sort((a, b) => (a.name < b.name ? -1 : 1));
  const header = 'pm bundles the following packages into dist/. Their licences:\n\n';
  await writeFile(file, `${header}${notices.map((notice) => notice.text).join('\n\n---\n\n')}\n`);
}
