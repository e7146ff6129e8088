/* tinyforge firmware template: the measurement harness for QEMU (semihosting). Reads each input tensor
 * from in<i>.bin on the host, runs one warm-up invoke, reads the inputs again (the plan reuses their
 * bytes), measures one invoke with the MPS2 FPGAIO counter, writes out<i>.bin, and prints
 *   TINYFORGE status=<s> ticks=<t> stack=<bytes> stack_size=<bytes>
 * With `qemu-system-arm -icount shift=0,align=off,sleep=off` the counter (25 MHz) advances once per 40
 * instructions: the method of ../shared/golden/tflm_cortex_m4_qemu.md.
 * With -DTF_PROFILE_CALLS (and model.c compiled with TF_PROFILE_CALL(i) = tf_profile_mark(i), see
 * tf_profile.h) it also writes calls.bin: the counter after each kernel call of the measured invoke
 * (uint32 per call, the counter before the first call at index 0 -> t0). */
#include <stdint.h>
#include "model.h"
#include "semihost.h"
#include "startup.h"

#define FPGAIO_COUNTER (*(volatile uint32_t *)0x40028018u)

static char *put_uint(char *p, uint32_t v) {
  char tmp[10];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v);
  while (n) *p++ = tmp[--n];
  return p;
}

static char *put_str(char *p, const char *s) {
  while (*s) *p++ = *s++;
  return p;
}

static int read_inputs(void) {
  for (int i = 0; i < MODEL_NUM_INPUTS; i++) {
    char name[16] = "in";
    char *e = put_uint(name + 2, (uint32_t)i);
    put_str(e, ".bin")[0] = 0;
    const int fd = tf_sh_open(name, 0);
    if (fd < 0 || tf_sh_read(fd, model_input(i), model_input_bytes(i)) != 0) return 10 + i;
    tf_sh_close(fd);
  }
  return 0;
}

#ifdef TF_PROFILE_CALLS
#include "tf_profile.h"
uint32_t tf_profile_ticks[MODEL_KERNEL_CALLS + 1];
#endif

int main(void) {
  if (model_init(0) != 0) return 2;
  int err = read_inputs();
  if (err) return err;
  int status = model_invoke(); /* warm-up */
  if ((err = read_inputs()) != 0) return err;
  const uint32_t t0 = FPGAIO_COUNTER;
  status |= model_invoke();
  const uint32_t t1 = FPGAIO_COUNTER;
#ifdef TF_PROFILE_CALLS
  {
    const int fd = tf_sh_open("calls.bin", 1);
    tf_profile_ticks[MODEL_KERNEL_CALLS] = t0;
    if (fd < 0 || tf_sh_write(fd, tf_profile_ticks, sizeof tf_profile_ticks) != 0) return 40;
    tf_sh_close(fd);
  }
#endif
  for (int i = 0; i < MODEL_NUM_OUTPUTS; i++) {
    char name[16] = "out";
    char *e = put_uint(name + 3, (uint32_t)i);
    put_str(e, ".bin")[0] = 0;
    const int fd = tf_sh_open(name, 1);
    if (fd < 0 || tf_sh_write(fd, model_output(i), model_output_bytes(i)) != 0) return 30 + i;
    tf_sh_close(fd);
  }
  char line[128];
  char *p = put_str(line, "TINYFORGE status=");
  p = put_uint(p, (uint32_t)status);
  p = put_str(p, " ticks=");
  p = put_uint(p, t1 - t0);
  p = put_str(p, " stack=");
  p = put_uint(p, tf_stack_high_water());
  p = put_str(p, " stack_size=");
  p = put_uint(p, tf_stack_size());
  p = put_str(p, "\n");
  *p = 0;
  tf_sh_puts(line);
  return status == 0 ? 0 : 3;
}
