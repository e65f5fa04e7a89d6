// Makes assets/dashboard.png from a real run: the built dashboard in tmux with a few
// allocations and real listeners, captured with its colours (capture-pane -e) and drawn with
// ImageMagick (apt-get install imagemagick). A one-off for the README, not part of the build:
// `node scripts/dashboard-screenshot.mjs` after a build.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const OUT = fileURLToPath(new URL('../assets/dashboard.png', import.meta.url));
const WIDTH = 100;
const HEIGHT = 20;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const PALETTE = {
  background: '#1e1e2e',
  foreground: '#cdd6f4',
  dim: '#7f849c',
  colors: ['#45475a', '#f38ba8', '#a6e3a1', '#f9e2af', '#89b4fa', '#f5c2e7', '#94e2d5', '#bac2de'],
};

/** Parses tmux's coloured capture into rows of cells {ch, fg, bg, bold, dim}. */
function parseAnsi(text) {
  const rows = [];
  for (const line of text.split('\n').slice(0, HEIGHT)) {
    const cells = [];
    let style = { fg: undefined, bg: undefined, bold: false, dim: false, inverse: false };
    // biome-ignore lint/suspicious/noControlCharactersInRegex: parsing escape sequences is the point
    const pattern = /\u001b\[([0-9;]*)m|([^\u001b])/gu;
    for (const match of line.matchAll(pattern)) {
      if (match[2] !== undefined) {
        cells.push({ ch: match[2], ...style });
        continue;
      }
      const codes = match[1] === '' ? [0] : match[1].split(';').map(Number);
      for (let i = 0; i < codes.length; i++) {
        const code = codes[i];
        if (code === 0)
          style = { fg: undefined, bg: undefined, bold: false, dim: false, inverse: false };
        else if (code === 1) style = { ...style, bold: true };
        else if (code === 2) style = { ...style, dim: true };
        else if (code === 22) style = { ...style, bold: false, dim: false };
        else if (code === 7) style = { ...style, inverse: true };
        else if (code === 27) style = { ...style, inverse: false };
        else if (code >= 30 && code <= 37) style = { ...style, fg: PALETTE.colors[code - 30] };
        else if (code >= 90 && code <= 97) style = { ...style, fg: PALETTE.colors[code - 90] };
        else if (code === 39) style = { ...style, fg: undefined };
        else if (code >= 40 && code <= 47) style = { ...style, bg: PALETTE.colors[code - 40] };
        else if (code === 49) style = { ...style, bg: undefined };
        else if (code === 38 || code === 48) i += codes[i + 1] === 5 ? 2 : 4;
      }
    }
    rows.push(cells);
  }
  return rows;
}

/** ImageMagick draw commands: a background box per styled cell, then the text in runs. */
function toMvg(rows, cell) {
  const lines = [`viewbox 0 0 ${WIDTH * cell.w + 2 * cell.pad} ${HEIGHT * cell.h + 2 * cell.pad}`];
  lines.push(
    `fill '${PALETTE.background}' rectangle 0,0 ${WIDTH * cell.w + 2 * cell.pad},${HEIGHT * cell.h + 2 * cell.pad}`,
  );
  const quote = (text) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  for (const [y, cells] of rows.entries()) {
    let x = 0;
    while (x < cells.length) {
      const first = cells[x];
      let end = x + 1;
      const same = (a, b) =>
        a.fg === b.fg &&
        a.bg === b.bg &&
        a.bold === b.bold &&
        a.dim === b.dim &&
        a.inverse === b.inverse;
      while (end < cells.length && same(cells[end], first)) end++;
      const text = cells
        .slice(x, end)
        .map((c) => c.ch)
        .join('');
      let fg = first.dim ? PALETTE.dim : (first.fg ?? PALETTE.foreground);
      let bg = first.bg;
      if (first.inverse) [fg, bg] = [bg ?? PALETTE.background, first.fg ?? PALETTE.foreground];
      const left = cell.pad + x * cell.w;
      const top = cell.pad + y * cell.h;
      if (bg)
        lines.push(
          `fill '${bg}' rectangle ${left},${top} ${left + (end - x) * cell.w},${top + cell.h}`,
        );
      if (text.trim() !== '') {
        lines.push(
          `font '${first.bold ? 'DejaVu-Sans-Mono-Bold' : 'DejaVu-Sans-Mono'}' font-size ${cell.size}`,
        );
        lines.push(`fill '${fg}' text ${left},${top + cell.baseline} ${quote(text)}`);
      }
      x = end;
    }
  }
  return lines.join('\n');
}

function listen(port, title, { host = '127.0.0.1', cwd } = {}) {
  const code = `process.title=${JSON.stringify(title)};require('node:net').createServer().listen(${port},${JSON.stringify(host)},()=>console.log('ready'))`;
  const child = spawn(process.execPath, ['-e', code], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => child.stdout.once('data', () => resolve(child)));
}

export async function makeScreenshot() {
  const dir = mkdtempSync(join(tmpdir(), 'pm-shot-'));
  const home = join(dir, 'home');
  const registry = join(home, '.config', 'port-manager', 'registry.toml');
  mkdirSync(join(home, '.config', 'port-manager'), { recursive: true });
  mkdirSync(join(home, 'src', 'billing'), { recursive: true });
  writeFileSync(
    registry,
    [
      'version = 1',
      '',
      '[defaults]',
      'range_start = 3000',
      'range_end = 9999',
      '',
      '[projects.billing]',
      `path = "${join(home, 'src', 'billing')}"`,
      '',
      '[projects.billing.ports]',
      'api = 4000',
      '',
      '[projects.blog.ports]',
      'web = 3002',
      '',
      '[projects.shop.ports]',
      'api = 3001',
      'web = 3000',
      'worker = 3003',
      '',
    ].join('\n'),
  );
  const children = await Promise.all([
    listen(3000, 'vite', { host: '::' }),
    listen(3001, 'uvicorn'),
    // Someone else's process on billing's port, started outside the project: a conflict.
    listen(4000, 'rails', { cwd: dir }),
    listen(5432, 'postgres'),
  ]);
  const socket = `pm-shot-${process.pid}`;
  const tmux = (...args) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  try {
    tmux(
      'new-session',
      '-d',
      '-s',
      'shot',
      '-x',
      String(WIDTH),
      '-y',
      String(HEIGHT),
      `env -u CI -u NO_COLOR HOME=${home} TERM=xterm-256color FORCE_COLOR=1 ${process.execPath} ${CLI}`,
    );
    const waitFor = async (text) => {
      for (let i = 0; i < 200; i++) {
        if (tmux('capture-pane', '-p', '-t', 'shot').includes(text)) return;
        await sleep(25);
      }
      throw new Error(`never saw '${text}':\n${tmux('capture-pane', '-p', '-t', 'shot')}`);
    };
    await waitFor('conflict');
    tmux('send-keys', '-t', 'shot', 'u');
    await waitFor('postgres');
    tmux('send-keys', '-t', 'shot', 'a');
    await waitFor('Allocate a port');
    // `a` prefills the selected row's project and starts on the service field.
    for (const part of ['docs', 'Enter', 'Enter']) {
      tmux('send-keys', '-t', 'shot', ...(part === 'Enter' ? ['Enter'] : ['-l', part]));
      await sleep(150);
    }
    await waitFor('allocated billing/docs');
    tmux('send-keys', '-t', 'shot', 'j');
    await sleep(300);
    const ansi = tmux('capture-pane', '-p', '-e', '-t', 'shot');
    // Twice the usual size: sharp on high-density screens, scaled down by the README's width.
    const cell = { w: 18, h: 38, size: 30, baseline: 28, pad: 28 };
    const mvg = join(dir, 'screen.mvg');
    writeFileSync(mvg, toMvg(parseAnsi(ansi), cell));
    execFileSync('/usr/bin/convert', [
      '-density',
      '72',
      `mvg:${mvg}`,
      '-strip',
      '-colors',
      '64',
      `png8:${OUT}`,
    ]);
    console.log(`wrote ${OUT}`);
    return OUT;
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    for (const child of children) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await makeScreenshot();
