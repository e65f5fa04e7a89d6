// Shared helpers: run commands interleaved (so machine noise hits every command alike) and
// report medians and ratios against a baseline measured in the same run.
import { spawnSync } from 'node:child_process';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Wall time of each command, `runs` rounds, commands interleaved within a round in a new
 * random order each round: a command that always follows `node -e 0` was measured up to 7 ms
 * slower than the same command right after another pm command (an effect of the order alone,
 * seen on the project VM), so no command may keep one position.
 */
export function timeCommands(commands, { runs = 15, warmup = 2, env = process.env } = {}) {
  const samples = commands.map(() => []);
  for (let round = -warmup; round < runs; round++) {
    for (const index of shuffled(commands.length)) {
      const command = commands[index];
      const started = process.hrtime.bigint();
      const result = spawnSync(command.argv[0], command.argv.slice(1), {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...env, ...command.env },
        ...(command.cwd ? { cwd: command.cwd } : {}),
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.status !== 0 && !command.allowFailure) {
        throw new Error(`${command.name} exited ${result.status}: ${result.stderr}`);
      }
      if (round >= 0) samples[index].push(ms);
    }
  }
  return commands.map((command, index) => ({
    name: command.name,
    median: median(samples[index]),
    runs,
    ...(command.target === undefined ? {} : { target: command.target }),
  }));
}

/** 0..n-1 in a random order (Fisher-Yates). */
function shuffled(n) {
  const order = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export function printRows(title, rows, baselineName, target) {
  const base = rows.find((row) => row.name === baselineName);
  console.log(`\n${title}`);
  for (const row of rows) {
    const ratio = base ? row.median / base.median : Number.NaN;
    const unit = row.unit ?? 'ms';
    const value = unit === 'ms' ? row.median.toFixed(1) : row.median.toFixed(unit === '%' ? 2 : 0);
    const goal =
      row.target === undefined
        ? ''
        : `  (target <= ${row.target} x${ratio <= row.target ? ', met' : ', MISSED'})`;
    console.log(
      `  ${row.name.padEnd(44)} ${value.padStart(9)} ${unit.padEnd(3)} ${ratio.toFixed(2).padStart(6)} x${goal}`,
    );
  }
  if (target) console.log(`  ${target}`);
}
