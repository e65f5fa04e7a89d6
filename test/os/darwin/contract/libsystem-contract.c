/*
 * A stand-in for macOS's libSystem, built by the contract tests on Linux so that pm's darwin
 * backend runs its real koffi declarations against real C functions: the same symbol names,
 * the same C signatures (XNU libsyscall/wrappers/libproc/libproc.h, bsd/sys/sysctl.h, pwd.h)
 * and the same return conventions (sysctl: 0 / -1 + errno; libproc: bytes or 0 + errno;
 * proc_pidpath/proc_name: the string length; proc_listchildpids: a pid count).
 *
 * What it answers comes from a "machine" file the test writes with the byte builders of
 * test/native/fixtures/darwin-structs.ts and loads with contract_load(). Every call is
 * appended to a log the test reads with contract_log(), so call sequences are asserted too.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

enum kind {
  K_SYSCTL = 1,  /* name, then the table; a = fetches that fail ENOMEM first; err = size query */
  K_PROC = 2,    /* a = pid, b = ppid: listed by proc_listpids */
  K_PIDINFO = 3, /* a = pid, b = flavor, err, data */
  K_FDINFO = 4,  /* a = pid, b = fd, err, data (socket_fdinfo) */
  K_PATH = 5,    /* a = pid, err, data = path */
  K_ARGS = 6,    /* a = pid, err, data = KERN_PROCARGS2 answer */
  K_USER = 7,    /* a = uid, data = user name */
  K_GONE = 8,    /* a = pid: listed, but it exited: every per-pid call fails ESRCH */
};

struct record {
  uint32_t kind;
  int32_t a, b, err;
  uint32_t length;
  unsigned char *data;
  int remaining_enomem;
};

static struct record *records;
static size_t record_count;
static char *log_text;
static size_t log_length, log_capacity;

static void note(const char *format, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void note(const char *format, ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  int n = vsnprintf(line, sizeof line, format, args);
  va_end(args);
  if (n < 0) return;
  if ((size_t)n >= sizeof line) n = sizeof line - 1;
  if (log_length + n + 2 > log_capacity) {
    log_capacity = (log_length + n + 2) * 2;
    log_text = realloc(log_text, log_capacity);
  }
  memcpy(log_text + log_length, line, n);
  log_length += n;
  log_text[log_length++] = '\n';
  log_text[log_length] = 0;
}

static void clear(void) {
  for (size_t i = 0; i < record_count; i++) free(records[i].data);
  free(records);
  records = NULL;
  record_count = 0;
  log_length = 0;
  if (log_text) log_text[0] = 0;
}

/* Each record: u32 kind, i32 a, i32 b, i32 err, u32 length, then length bytes (LE). */
EXPORT int contract_load(const char *path) {
  clear();
  FILE *file = fopen(path, "rb");
  if (!file) return -1;
  uint32_t head[5];
  while (fread(head, sizeof head, 1, file) == 1) {
    records = realloc(records, (record_count + 1) * sizeof *records);
    struct record *r = &records[record_count++];
    r->kind = head[0];
    r->a = (int32_t)head[1];
    r->b = (int32_t)head[2];
    r->err = (int32_t)head[3];
    r->length = head[4];
    r->data = malloc(r->length + 1);
    if (r->length && fread(r->data, r->length, 1, file) != 1) {
      fclose(file);
      return -2;
    }
    r->data[r->length] = 0;
    r->remaining_enomem = r->kind == K_SYSCTL ? r->a : 0;
  }
  fclose(file);
  return (int)record_count;
}

EXPORT const char *contract_log(void) { return log_text ? log_text : ""; }

static struct record *find(uint32_t kind, int32_t a, int32_t b, int use_b) {
  for (size_t i = 0; i < record_count; i++) {
    struct record *r = &records[i];
    if (r->kind == kind && r->a == a && (!use_b || r->b == b)) return r;
  }
  return NULL;
}

static int listed(int32_t pid) { return find(K_PROC, pid, 0, 0) || find(K_GONE, pid, 0, 0); }
static int gone(int32_t pid) { return find(K_GONE, pid, 0, 0) != NULL; }

/* ---- sysctl(3) ---- */

EXPORT int sysctlbyname(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen) {
  note("sysctlbyname %s %s %zu", name, oldp ? "buffer" : "NULL", oldlenp ? *oldlenp : 0);
  if (newp || newlen) { errno = EPERM; return -1; }
  if (!oldlenp) { errno = EFAULT; return -1; }
  for (size_t i = 0; i < record_count; i++) {
    struct record *r = &records[i];
    if (r->kind != K_SYSCTL || strcmp((char *)r->data, name) != 0) continue;
    size_t name_length = strlen(name) + 1;
    size_t size = r->length - name_length;
    if (!oldp) {
      if (r->err) { errno = r->err; return -1; }
      /* The kernel's estimate carries slack for sockets created before the fetch. */
      *oldlenp = size + size / 8;
      return 0;
    }
    if (r->remaining_enomem > 0) {
      /* The table grew between the size query and this fetch. */
      r->remaining_enomem--;
      errno = ENOMEM;
      return -1;
    }
    size_t copy = size < *oldlenp ? size : *oldlenp;
    memcpy(oldp, r->data + name_length, copy);
    if (size > *oldlenp) { errno = ENOMEM; return -1; }
    *oldlenp = size;
    return 0;
  }
  errno = ENOENT;
  return -1;
}

#define CTL_KERN 1
#define KERN_PROCARGS2 49

EXPORT int sysctl(int *name, unsigned int namelen, void *oldp, size_t *oldlenp, void *newp,
                  size_t newlen) {
  note("sysctl %u %d %d %d %s", namelen, namelen > 0 ? name[0] : -1, namelen > 1 ? name[1] : -1,
       namelen > 2 ? name[2] : -1, oldp ? "buffer" : "NULL");
  if (newp || newlen) { errno = EPERM; return -1; }
  if (namelen != 3 || name[0] != CTL_KERN || name[1] != KERN_PROCARGS2) { errno = ENOENT; return -1; }
  if (!oldlenp) { errno = EFAULT; return -1; }
  int32_t pid = name[2];
  struct record *r = find(K_ARGS, pid, 0, 0);
  /* Another user's process and a gone one both answer EINVAL (kern_sysctl.c). */
  if (gone(pid) || !r) { errno = EINVAL; return -1; }
  if (r->err) { errno = r->err; return -1; }
  if (!oldp) { *oldlenp = r->length; return 0; }
  if (*oldlenp < r->length) { errno = ENOMEM; return -1; }
  memcpy(oldp, r->data, r->length);
  *oldlenp = r->length;
  return 0;
}

/* ---- libproc ---- */

#define PROC_ALL_PIDS 1
#define PROC_PPID_ONLY 6
#define PROC_PIDLISTFDS 1
#define PROC_PIDPATHINFO_SIZE 1024
#define PROC_PIDPATHINFO_MAXSIZE 4096

static int list(uint32_t type, uint32_t typeinfo, void *buffer, int buffersize) {
  size_t count = 0;
  for (size_t i = 0; i < record_count; i++) {
    struct record *r = &records[i];
    if (r->kind != K_PROC && r->kind != K_GONE) continue;
    if (type == PROC_PPID_ONLY && (r->kind != K_PROC || (uint32_t)r->b != typeinfo)) continue;
    if (buffer && (int)((count + 1) * sizeof(int32_t)) <= buffersize)
      ((int32_t *)buffer)[count] = r->a;
    count++;
  }
  if (!buffer) return (int)((count + 20) * sizeof(int32_t));
  size_t fits = (size_t)buffersize / sizeof(int32_t);
  return (int)((count < fits ? count : fits) * sizeof(int32_t));
}

EXPORT int proc_listpids(uint32_t type, uint32_t typeinfo, void *buffer, int buffersize) {
  note("proc_listpids %u %u %s %d", type, typeinfo, buffer ? "buffer" : "NULL", buffersize);
  if (type != PROC_ALL_PIDS && type != PROC_PPID_ONLY) { errno = EINVAL; return -1; }
  return list(type, typeinfo, buffer, buffersize);
}

EXPORT int proc_listchildpids(int ppid, void *buffer, int buffersize) {
  note("proc_listchildpids %d %s %d", ppid, buffer ? "buffer" : "NULL", buffersize);
  return list(PROC_PPID_ONLY, (uint32_t)ppid, buffer, buffersize) / (int)sizeof(int32_t);
}

EXPORT int proc_pidinfo(int pid, int flavor, uint64_t arg, void *buffer, int buffersize) {
  note("proc_pidinfo %d %d %llu %s %d", pid, flavor, (unsigned long long)arg,
       buffer ? "buffer" : "NULL", buffersize);
  if (!listed(pid) || gone(pid)) { errno = ESRCH; return 0; }
  struct record *r = find(K_PIDINFO, pid, flavor, 1);
  if (!r) { errno = EPERM; return 0; }
  if (r->err) { errno = r->err; return 0; }
  if (flavor == PROC_PIDLISTFDS) {
    /* Variable length: NULL asks for the size, with room for 20 more descriptors. */
    if (!buffer) return (int)r->length + 20 * 8;
    int copy = (int)r->length < buffersize ? (int)r->length : buffersize / 8 * 8;
    memcpy(buffer, r->data, copy);
    return copy;
  }
  /* Fixed-size flavors: a short buffer is ENOMEM; the answer may itself be short. */
  if (!buffer) { errno = EINVAL; return 0; }
  if (buffersize < (int)r->length) { errno = ENOMEM; return 0; }
  memcpy(buffer, r->data, r->length);
  return (int)r->length;
}

EXPORT int proc_pidfdinfo(int pid, int fd, int flavor, void *buffer, int buffersize) {
  note("proc_pidfdinfo %d %d %d %d", pid, fd, flavor, buffersize);
  if (!listed(pid) || gone(pid)) { errno = ESRCH; return 0; }
  struct record *r = find(K_FDINFO, pid, fd, 1);
  if (!r) { errno = EBADF; return 0; }
  if (r->err) { errno = r->err; return 0; }
  if (flavor != 3 /* PROC_PIDFDSOCKETINFO */) { errno = EINVAL; return 0; }
  if (buffersize < (int)r->length) { errno = ENOMEM; return 0; }
  memcpy(buffer, r->data, r->length);
  return (int)r->length;
}

EXPORT int proc_pidpath(int pid, void *buffer, uint32_t buffersize) {
  note("proc_pidpath %d %u", pid, buffersize);
  if (buffersize < PROC_PIDPATHINFO_SIZE) { errno = ENOMEM; return 0; }
  if (buffersize > PROC_PIDPATHINFO_MAXSIZE) { errno = EOVERFLOW; return 0; }
  if (!listed(pid) || gone(pid)) { errno = ESRCH; return 0; }
  struct record *r = find(K_PATH, pid, 0, 0);
  if (!r) { errno = EPERM; return 0; }
  if (r->err) { errno = r->err; return 0; }
  size_t copy = r->length < buffersize - 1 ? r->length : buffersize - 1;
  memcpy(buffer, r->data, copy);
  ((char *)buffer)[copy] = 0;
  return (int)strlen(buffer);
}

#define PROC_PIDTBSDINFO 3
#define PBI_COMM 48
#define PBI_NAME 64

/* libproc.c's proc_name: PROC_PIDTBSDINFO's pbi_name, else pbi_comm. */
EXPORT int proc_name(int pid, void *buffer, uint32_t buffersize) {
  note("proc_name %d %u", pid, buffersize);
  if (buffersize < 32) { errno = ENOMEM; return 0; }
  if (!listed(pid) || gone(pid)) { errno = ESRCH; return 0; }
  struct record *r = find(K_PIDINFO, pid, PROC_PIDTBSDINFO, 1);
  if (!r || r->err || r->length < 136) { errno = r && r->err ? r->err : EPERM; return 0; }
  const char *name = (const char *)r->data + (r->data[PBI_NAME] ? PBI_NAME : PBI_COMM);
  size_t length = strnlen(name, r->data[PBI_NAME] ? 32 : 16);
  memcpy(buffer, name, length);
  ((char *)buffer)[length] = 0;
  return (int)length;
}

/* ---- pwd.h: only pw_name is read, and it comes first in struct passwd. ---- */
struct passwd_head { char *pw_name; char *pw_passwd; };
static struct passwd_head passwd;

EXPORT struct passwd_head *getpwuid(uint32_t uid) {
  note("getpwuid %u", uid);
  struct record *r = find(K_USER, (int32_t)uid, 0, 0);
  if (!r) return NULL;
  passwd.pw_name = (char *)r->data;
  return &passwd;
}
