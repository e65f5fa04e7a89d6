// pm run's command ends when pm ends, however pm ends (TerminateProcess, a crash, a closed
// console): the command's process is put in a job object that kills every process in it when
// its last handle closes, and only pm holds that handle. Windows closes it when pm's process
// goes. The Linux counterpart is setpriv's parent-death signal (os/shared/child-process.ts).
// Processes the command started before it was put in the job (the first milliseconds after
// the spawn) are outside it; those started later are inside, as children inherit the job.
import koffi from 'koffi';

/** JOBOBJECT_EXTENDED_LIMIT_INFORMATION on 64-bit Windows (winnt.h): 144 bytes. */
export const EXTENDED_LIMIT_INFORMATION_SIZE = 144;
/** JOBOBJECT_BASIC_LIMIT_INFORMATION.LimitFlags: after two LARGE_INTEGERs. */
const LIMIT_FLAGS_OFFSET = 16;
export const JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000;
/** JOBOBJECTINFOCLASS JobObjectExtendedLimitInformation. */
export const JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9;
const PROCESS_SET_QUOTA = 0x0100;
const PROCESS_TERMINATE = 0x0001;

export interface JobBinding {
  /** Returns 0 (NULL) on failure. */
  CreateJobObjectW(): number;
  SetInformationJobObject(job: number, infoClass: number, info: Buffer, length: number): number;
  /** Returns 0 (NULL) on failure. */
  OpenProcess(access: number, inherit: number, pid: number): number;
  AssignProcessToJobObject(job: number, process: number): number;
  CloseHandle(handle: number): number;
}

/** The limits of a job whose processes all end when its last handle closes. */
export function killOnCloseLimits(): Buffer {
  const info = Buffer.alloc(EXTENDED_LIMIT_INFORMATION_SIZE);
  info.writeUInt32LE(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, LIMIT_FLAGS_OFFSET);
  return info;
}

export interface TiedJob {
  /** Closes pm's handle: every process in the job ends (what Windows does when pm ends). */
  close(): void;
}

/**
 * Puts `pid` in a new kill-on-close job. Undefined (and nothing held) when Windows refuses a
 * step: the command then runs as before, untied, and pm says nothing (it is not an error of
 * the user's).
 */
export function tieToJob(api: JobBinding, pid: number): TiedJob | undefined {
  const job = api.CreateJobObjectW();
  if (job === 0) return undefined;
  const limits = killOnCloseLimits();
  const process = api.OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, 0, pid);
  const tied =
    api.SetInformationJobObject(
      job,
      JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
      limits,
      limits.length,
    ) !== 0 &&
    process !== 0 &&
    api.AssignProcessToJobObject(job, process) !== 0;
  if (process !== 0) api.CloseHandle(process);
  if (!tied) {
    api.CloseHandle(job);
    return undefined;
  }
  return { close: () => void api.CloseHandle(job) };
}

const PROTOTYPES = {
  CreateJobObjectW: 'intptr_t __stdcall CreateJobObjectW(void *attributes, void *name)',
  SetInformationJobObject:
    'int __stdcall SetInformationJobObject(intptr_t job, int infoClass, void *info, uint32_t length)',
  OpenProcess: 'intptr_t __stdcall OpenProcess(uint32_t access, int inherit, uint32_t pid)',
  AssignProcessToJobObject:
    'int __stdcall AssignProcessToJobObject(intptr_t job, intptr_t process)',
  CloseHandle: 'int __stdcall CloseHandle(intptr_t handle)',
} as const;

/** kernel32's job calls. Throws where there is no kernel32 (any OS but Windows). */
export function loadJobBinding(): JobBinding {
  const kernel32 = koffi.load('kernel32.dll');
  const create = kernel32.func(PROTOTYPES.CreateJobObjectW);
  const set = kernel32.func(PROTOTYPES.SetInformationJobObject);
  const open = kernel32.func(PROTOTYPES.OpenProcess);
  const assign = kernel32.func(PROTOTYPES.AssignProcessToJobObject);
  const close = kernel32.func(PROTOTYPES.CloseHandle);
  const handle = (value: number | bigint) => Number(value);
  return {
    // biome-ignore lint/correctness/noComponentHookFactories: a Win32 function, not a React component
    CreateJobObjectW: () => handle(create(null, null)),
    SetInformationJobObject: (job, infoClass, info, length) => set(job, infoClass, info, length),
    OpenProcess: (access, inherit, pid) => handle(open(access, inherit, pid)),
    AssignProcessToJobObject: (job, process) => assign(job, process),
    // biome-ignore lint/correctness/noComponentHookFactories: a Win32 function, not a React component
    CloseHandle: (value) => close(value),
  };
}

/** The jobs pm holds for its commands: never closed by pm, so they close when pm ends. */
const held: TiedJob[] = [];

/** Ties `pid` to this pm process; false where Windows (or Wine) refuses. */
export function tieToThisProcess(pid: number): boolean {
  try {
    const job = tieToJob(loadJobBinding(), pid);
    if (job) held.push(job);
    return job !== undefined;
  } catch {
    return false;
  }
}
