// pm run's command on Windows is held by a kill-on-close job object, so it ends when pm does
// (the Linux counterpart is setpriv's parent-death signal). The layout and the call sequence
// are checked everywhere against a fake kernel32; under Wine (scripts/wine/unit.mjs runs this
// file in node.exe) a real node.exe child is tied to a job and must end when the job's last
// handle closes, which is what Windows does to pm's handles when pm ends.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  EXTENDED_LIMIT_INFORMATION_SIZE,
  JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
  JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
  type JobBinding,
  killOnCloseLimits,
  loadJobBinding,
  tieToJob,
} from '../../../src/os/win32/job.js';

/** A kernel32 that records its calls; `refuse` names the call that fails. */
function fakeKernel32(refuse?: keyof JobBinding) {
  const calls: string[] = [];
  const open = new Set<number>();
  let next = 100;
  const handle = () => {
    const h = next++;
    open.add(h);
    return h;
  };
  const api: JobBinding = {
    // biome-ignore lint/correctness/noComponentHookFactories: a Win32 function, not a React component
    CreateJobObjectW: () => {
      calls.push('CreateJobObjectW');
      return refuse === 'CreateJobObjectW' ? 0 : handle();
    },
    SetInformationJobObject: (job, infoClass, info, length) => {
      calls.push(
        `SetInformationJobObject(${job}, ${infoClass}, flags ${info.readUInt32LE(16)}, ${length})`,
      );
      return refuse === 'SetInformationJobObject' ? 0 : 1;
    },
    OpenProcess: (access, _inherit, pid) => {
      calls.push(`OpenProcess(0x${access.toString(16)}, ${pid})`);
      return refuse === 'OpenProcess' ? 0 : handle();
    },
    AssignProcessToJobObject: (job, process) => {
      calls.push(`AssignProcessToJobObject(${job}, ${process})`);
      return refuse === 'AssignProcessToJobObject' ? 0 : 1;
    },
    // biome-ignore lint/correctness/noComponentHookFactories: a Win32 function, not a React component
    CloseHandle: (h) => {
      calls.push(`CloseHandle(${h})`);
      open.delete(h);
      return 1;
    },
  };
  return { api, calls, open };
}

describe('the kill-on-close job', () => {
  it('is JOBOBJECT_EXTENDED_LIMIT_INFORMATION (144 bytes on x64) with only that flag set', () => {
    const info = killOnCloseLimits();
    expect(info.length).toBe(EXTENDED_LIMIT_INFORMATION_SIZE);
    expect(info.readUInt32LE(16)).toBe(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE);
    expect([...info].filter((byte) => byte !== 0)).toEqual([0x20]);
  });

  it('creates the job, sets the limit, assigns the process and keeps only the job open', () => {
    const { api, calls, open } = fakeKernel32();
    const job = tieToJob(api, 4242);
    expect(job).toBeDefined();
    expect(calls).toEqual([
      'CreateJobObjectW',
      'OpenProcess(0x101, 4242)',
      `SetInformationJobObject(100, ${JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS}, flags ${JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE}, 144)`,
      'AssignProcessToJobObject(100, 101)',
      'CloseHandle(101)',
    ]);
    expect([...open]).toEqual([100]);
    job?.close();
    expect(open.size).toBe(0);
  });

  it.each([
    'CreateJobObjectW',
    'OpenProcess',
    'SetInformationJobObject',
    'AssignProcessToJobObject',
  ] as const)('gives up without a handle left open when %s fails', (refused) => {
    const { api, open } = fakeKernel32(refused);
    expect(tieToJob(api, 4242)).toBeUndefined();
    expect(open.size).toBe(0);
  });
});

describe.runIf(process.platform === 'win32')('a real node.exe child in a job', () => {
  it('runs while the job is held and ends when its last handle closes', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
      windowsHide: true,
    });
    let exited = false;
    const exit = new Promise<void>((resolve) =>
      child.once('exit', () => {
        exited = true;
        resolve();
      }),
    );
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const job = tieToJob(loadJobBinding(), child.pid as number);
      expect(job).toBeDefined();
      // Held: tying it did not end it (signal 0 asks Windows whether the pid runs).
      expect(exited).toBe(false);
      expect(() => process.kill(child.pid as number, 0)).not.toThrow();
      job?.close();
      await Promise.race([
        exit,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('the child outlived its job')), 10_000),
        ),
      ]);
      expect(exited).toBe(true);
    } finally {
      if (!exited) child.kill();
    }
  }, 30_000);
});
