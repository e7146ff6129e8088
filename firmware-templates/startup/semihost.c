/* tinyforge firmware template: ARM semihosting calls (Thumb: BKPT 0xAB, r0 = operation, r1 = block). */
#include <string.h>
#include "semihost.h"
#include "startup.h"

static int32_t tf_semihost(int32_t op, const void *arg) {
  register int32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

enum { SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05, SYS_READ = 0x06, SYS_SEEK = 0x0A, SYS_FLEN = 0x0C, SYS_EXIT_EXTENDED = 0x20 };

int tf_sh_open(const char *path, int write) {
  const int32_t block[3] = {(int32_t)(uintptr_t)path, write ? 5 /* "wb" */ : 1 /* "rb" */, (int32_t)strlen(path)};
  return tf_semihost(SYS_OPEN, block);
}

int tf_sh_read(int fd, void *buf, size_t n) {
  const int32_t block[3] = {fd, (int32_t)(uintptr_t)buf, (int32_t)n};
  return tf_semihost(SYS_READ, block) == 0 ? 0 : -1; /* returns the bytes NOT read */
}

int tf_sh_write(int fd, const void *buf, size_t n) {
  const int32_t block[3] = {fd, (int32_t)(uintptr_t)buf, (int32_t)n};
  return tf_semihost(SYS_WRITE, block) == 0 ? 0 : -1;
}

int tf_sh_seek(int fd, size_t offset) {
  const int32_t block[2] = {fd, (int32_t)offset};
  return tf_semihost(SYS_SEEK, block) == 0 ? 0 : -1;
}

int32_t tf_sh_flen(int fd) {
  const int32_t block[1] = {fd};
  return tf_semihost(SYS_FLEN, block);
}

int tf_sh_close(int fd) {
  const int32_t block[1] = {fd};
  return tf_semihost(SYS_CLOSE, block);
}

void tf_sh_puts(const char *s) {
  tf_semihost(SYS_WRITE0, s);
}

void tf_exit(int code) {
  const int32_t block[2] = {0x20026 /* ADP_Stopped_ApplicationExit */, code};
  for (;;) tf_semihost(SYS_EXIT_EXTENDED, block);
}
