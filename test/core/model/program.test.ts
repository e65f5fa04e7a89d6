import { describe, expect, it } from 'vitest';
import { processLabel, programName } from '../../../src/core/model/program.js';

// Real command lines as /proc/<pid>/cmdline, KERN_PROCARGS2 or a Windows command line give
// them (argv split on NUL), with the kernel's name for the process.
const CASES: readonly (readonly [
  kernel: string,
  argv: string | readonly string[],
  program: string,
])[] = [
  // node and its tools
  ['node', 'node /home/u/shop/node_modules/.bin/vite --port 3000 --strictPort', 'vite'],
  ['node', '/usr/bin/node /home/u/shop/node_modules/vite/bin/vite.js', 'vite'],
  ['node', 'node /home/u/blog/node_modules/next/dist/bin/next dev -p 3001', 'next'],
  ['node', 'node /home/u/shop/node_modules/vite/dist/node/cli.js', 'vite'],
  ['node', 'node server.js', 'server.js'],
  ['node', 'node --inspect -r dotenv/config server.js', 'server.js'],
  ['node', 'node --inspect=9230 --require ./trace.cjs dist/index.js', 'index.js'],
  ['node', 'node --import tsx --watch src/main.ts', 'main.ts'],
  ['node', 'node --env-file .env --max-old-space-size=4096 app.mjs', 'app.mjs'],
  ['node', 'node -- server.js --port 1', 'server.js'],
  ['node', 'node /home/u/api/node_modules/@nestjs/cli/bin/nest.js start', 'nest'],
  ['node', 'node /home/u/x/node_modules/@angular/cli/lib/init.js', '@angular/cli'],
  ['node', 'node -e require("http").createServer().listen(3000)', 'node'],
  ['node', 'node', 'node'],
  [
    'node.exe',
    ['C:\\Program Files\\nodejs\\node.exe', 'C:\\app\\node_modules\\vite\\bin\\vite.js'],
    'vite',
  ],
  ['node.exe', ['C:\\Program Files\\nodejs\\node.exe', 'server.js'], 'server.js'],
  // npm, npx, pnpm, yarn
  ['node', 'node /usr/lib/node_modules/npm/bin/npm-cli.js run dev', 'npm run dev'],
  // npm rewrites its title: the whole command line is one word with spaces.
  ['npm run dev', ['npm run dev'], 'npm run dev'],
  ['node', 'node /usr/lib/node_modules/npm/bin/npm-cli.js start', 'npm start'],
  ['node', 'node /usr/lib/node_modules/npm/bin/npx-cli.js vite --port 3000', 'vite'],
  ['npx', 'npx -y create-vite@latest', 'create-vite'],
  ['npm exec vite', ['npm exec vite'], 'vite'],
  // Other titles name their program by the first word (issue 30 item 10).
  ['ng', ['ng serve --port 3020'], 'ng'],
  ['ng serve --port', ['ng serve --port 3020'], 'ng'],
  ['next-server (v1', ['next-server (v16.5.0)'], 'next'],
  ['next-server (v1', ['next-server (v14.2.3)'], 'next'],
  // An interpreter's own title is kept as it is (vitest's workers).
  ['node', ['node (vitest 1)'], 'node (vitest 1)'],
  ['node', 'node /home/u/.local/share/pnpm/pnpm.cjs dev', 'pnpm dev'],
  ['node', 'node /usr/lib/node_modules/pnpm/bin/pnpm.cjs exec vite', 'vite'],
  ['node', 'node /usr/lib/node_modules/yarn/bin/yarn.js dev', 'yarn dev'],
  ['yarn', 'yarn dlx serve', 'serve'],
  // bun and deno
  ['bun', 'bun run dev', 'bun run dev'],
  ['bun', 'bun --hot server.ts', 'server.ts'],
  ['bun', 'bun run ./src/index.ts', 'index.ts'],
  ['bun', 'bun x vite', 'vite'],
  ['deno', 'deno run -A --watch main.ts', 'main.ts'],
  ['deno', 'deno run --config deno.json --allow-net=0.0.0.0 server.ts', 'server.ts'],
  ['deno', 'deno serve --port 8000 main.ts', 'main.ts'],
  ['deno', 'deno task dev', 'deno task dev'],
  // python
  ['python3', 'python3 -m http.server 8000', 'http.server'],
  [
    'python3',
    '/home/u/api/.venv/bin/python3 /home/u/api/.venv/bin/uvicorn app:app --reload',
    'uvicorn',
  ],
  ['uvicorn', '/usr/bin/python3 /usr/local/bin/uvicorn app:app', 'uvicorn'],
  ['python3.12', 'python3.12 -u -X dev app.py', 'app.py'],
  ['python', 'python -um flask run', 'flask'],
  ['python3', 'python3 -Xdev -W ignore manage.py runserver', 'manage.py'],
  ['python3', 'python3 -c import http.server', 'python3'],
  ['python.exe', 'C:\\Python312\\python.exe -m uvicorn main:app', 'uvicorn'],
  // ruby
  ['ruby', 'ruby app.rb', 'app.rb'],
  ['ruby', 'ruby -Ilib -r bundler/setup bin/rails server', 'rails'],
  ['ruby', '/usr/bin/ruby3.2 /usr/local/bin/bundle exec rails server -p 3000', 'rails'],
  ['ruby', 'ruby -e puts 1', 'ruby'],
  // java
  ['java', 'java -Xmx512m -jar target/MyApp.jar --server.port=8080', 'MyApp.jar'],
  ['java', '/usr/lib/jvm/bin/java -cp lib/*:classes -Dapp.env=dev com.example.shop.Main', 'Main'],
  ['java', 'java --module-path mods -m com.example.app/com.example.app.Server', 'Server'],
  ['javaw.exe', 'C:\\jdk\\bin\\javaw.exe -jar C:\\apps\\Tool.jar', 'Tool.jar'],
  // php and perl
  ['php', 'php artisan serve', 'artisan'],
  ['php', 'php -S 127.0.0.1:8000 -t public router.php', 'router.php'],
  ['php', 'php -S localhost:8000', 'php'],
  ['php8.3', 'php8.3 -d display_errors=1 -f index.php', 'index.php'],
  ['perl', 'perl -Ilib -MMojolicious::Lite script/app.pl daemon', 'app.pl'],
  ['perl', 'perl -e print 1', 'perl'],
  // everything else keeps its kernel name
  ['postgres', '/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main', 'postgres'],
  ['nginx', 'nginx: master process /usr/sbin/nginx', 'nginx'],
  ['redis-server', '/usr/bin/redis-server 127.0.0.1:6379', 'redis-server'],
  // Linux keeps 15 bytes of a name; the command line has the rest.
  [
    'containerd-shim',
    '/usr/bin/containerd-shim-runc-v2 -namespace moby',
    'containerd-shim-runc-v2',
  ],
];

describe('programName: what the PROCESS column names', () => {
  it.each(CASES)('%s: %j -> %s', (kernel, command, program) => {
    const argv = typeof command === 'string' ? command.split(' ') : command;
    expect(programName(kernel, argv)).toBe(program);
  });

  it('falls back to the kernel name without a command line', () => {
    expect(programName('node', undefined)).toBe('node');
    expect(programName('node', [])).toBe('node');
    expect(programName(undefined, undefined)).toBeUndefined();
  });

  it('names the program when the kernel name is unknown', () => {
    expect(programName(undefined, ['node', 'server.js'])).toBe('server.js');
    expect(programName(undefined, ['/usr/sbin/sshd', '-D'])).toBe('sshd');
  });

  it('keeps arguments that only look like scripts out of the name', () => {
    expect(programName('node', ['node', '--inspect-port', '9229', 'server.js'])).toBe('server.js');
    expect(programName('python3', ['python3', '-W', 'error', '-X', 'dev', 'run.py'])).toBe(
      'run.py',
    );
  });
});

describe('processLabel: the cell text', () => {
  it('shows the program and its interpreter, or just the name when they agree', () => {
    expect(processLabel('node', 'vite')).toBe('vite (node)');
    expect(processLabel('postgres', 'postgres')).toBe('postgres');
    expect(processLabel('node', 'node (vitest 1)')).toBe('node (vitest 1)');
    expect(processLabel('node', 'nodemon')).toBe('nodemon (node)');
    expect(processLabel('next-server (v1', 'next')).toBe('next');
    expect(processLabel('ng serve --port', 'ng')).toBe('ng');
    expect(processLabel('next-server (v1', 'next-server (v14.2.3)')).toBe('next-server (v14.2.3)');
    expect(processLabel('node', undefined)).toBe('node');
    expect(processLabel(undefined, 'vite')).toBe('vite');
    expect(processLabel(undefined, undefined)).toBeUndefined();
  });
});
