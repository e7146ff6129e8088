/* tinyforge firmware template: ARM semihosting (BKPT 0xAB), for QEMU's -semihosting and debuggers. */
#ifndef TF_SEMIHOST_H
#define TF_SEMIHOST_H
#include <stddef.h>
#include <stdint.h>

/* Opens a host file ("rb" or "wb"); returns a handle >= 0 or -1. */
int tf_sh_open(const char *path, int write);
/* Reads / writes exactly n bytes; returns 0 on success. */
int tf_sh_read(int fd, void *buf, size_t n);
int tf_sh_write(int fd, const void *buf, size_t n);
/* Moves to byte `offset` from the start (0 on success); the file's length in bytes, or -1. */
int tf_sh_seek(int fd, size_t offset);
int32_t tf_sh_flen(int fd);
int tf_sh_close(int fd);
/* Writes a NUL-terminated string to the host console. */
void tf_sh_puts(const char *s);

#endif
