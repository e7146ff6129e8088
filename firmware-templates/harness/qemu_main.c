/* tinyforge firmware template: the measurement harness for QEMU (semihosting). Runs a batch of N input
 * records in one firmware run: in<i>.bin holds N records of input i back to back (N = the file's length
 * over the tensor's bytes, the same N for every input). One warm-up invoke on record 0, then for each
 * record: read it (the plan reuses the input bytes, so every invoke gets fresh ones), one invoke timed
 * with the board's counter (tf_counter.h), its outputs appended to out<i>.bin. Prints
 *   TINYFORGE status=<s> ticks=<t> stack=<bytes> stack_size=<bytes> records=<N> total_ticks=<T>
 * where ticks is record 0's invoke (after the warm-up: the single-input measurement) and total_ticks the
 * sum over all N timed invokes. With `qemu-system-arm -icount shift=0,align=off,sleep=off` the MPS2 FPGAIO
 * counter (25 MHz) advances once per 40 instructions: the method of ../shared/golden/tflm_cortex_m4_qemu.md;
 * on netduinoplus2 (-DTF_BOARD_NETDUINOPLUS2) TIM2 advances once per instruction.
 * With -DTF_PROFILE_CALLS (and model.c compiled with TF_PROFILE_CALL(i) = tf_profile_mark(i), see
 * tf_profile.h) it also writes calls.bin: the counter after each kernel call of record 0's timed invoke
 * (uint32 per call, the counter before the first call at index 0 -> t0).
 * Exit codes: 2 model_init failed, 10+i input i unreadable, 20+i input i's length not a whole number of
 * records (or not the same N as input 0), 30+i output i unwritable, 3 an invoke returned non-zero,
 * 40 calls.bin unwritable, 100 a fault. */
#include <stdint.h>
#include "model.h"
#include "semihost.h"
#include "startup.h"
#include "tf_counter.h"

static char *put_uint(char *p, uint64_t v) {
  char tmp[20];
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

/* "<stem><i>.bin" */
static void file_name(char *name, const char *stem, int i) {
  put_str(put_uint(put_str(name, stem), (uint64_t)i), ".bin")[0] = 0;
}

static int in_fd[MODEL_NUM_INPUTS];
static int out_fd[MODEL_NUM_OUTPUTS];

/* Opens every input file and sets *records to its number of records (the same for all inputs). */
static int open_inputs(uint32_t *records) {
  for (int i = 0; i < MODEL_NUM_INPUTS; i++) {
    char name[24];
    file_name(name, "in", i);
    if ((in_fd[i] = tf_sh_open(name, 0)) < 0) return 10 + i;
    const int32_t length = tf_sh_flen(in_fd[i]);
    const uint32_t bytes = (uint32_t)model_input_bytes(i);
    if (length <= 0 || bytes == 0 || (uint32_t)length % bytes != 0) return 20 + i;
    const uint32_t n = (uint32_t)length / bytes;
    if (i == 0) *records = n;
    else if (n != *records) return 20 + i;
  }
  return 0;
}

/* Reads the next record of every input into the model's input tensors. */
static int read_record(void) {
  for (int i = 0; i < MODEL_NUM_INPUTS; i++)
    if (tf_sh_read(in_fd[i], model_input(i), model_input_bytes(i)) != 0) return 10 + i;
  return 0;
}

static int open_outputs(void) {
  for (int i = 0; i < MODEL_NUM_OUTPUTS; i++) {
    char name[24];
    file_name(name, "out", i);
    if ((out_fd[i] = tf_sh_open(name, 1)) < 0) return 30 + i;
  }
  return 0;
}

#ifdef TF_PROFILE_CALLS
#include "tf_profile.h"
uint32_t tf_profile_ticks[MODEL_KERNEL_CALLS + 1];
#endif

int main(void) {
  if (model_init(0) != 0) return 2;
  tf_counter_start();
  uint32_t records = 0;
  int err = open_inputs(&records);
  if (err || (err = read_record()) != 0) return err;
  int status = model_invoke(); /* warm-up */
  for (int i = 0; i < MODEL_NUM_INPUTS; i++)
    if (tf_sh_seek(in_fd[i], 0) != 0) return 10 + i;
  if ((err = open_outputs()) != 0) return err;
  uint32_t first = 0;
  uint64_t total = 0;
  for (uint32_t r = 0; r < records; r++) {
    /* Every record is an independent inference: a stateful model's variable tensors start from their
     * initial value (and the warm-up leaves no state behind), as the reference engine runs each set. */
    model_reset();
    if ((err = read_record()) != 0) return err;
    const uint32_t t0 = TF_COUNTER;
    status |= model_invoke();
    const uint32_t t1 = TF_COUNTER;
    total += t1 - t0;
    if (r == 0) {
      first = t1 - t0;
#ifdef TF_PROFILE_CALLS
      const int fd = tf_sh_open("calls.bin", 1);
      tf_profile_ticks[MODEL_KERNEL_CALLS] = t0;
      if (fd < 0 || tf_sh_write(fd, tf_profile_ticks, sizeof tf_profile_ticks) != 0) return 40;
      tf_sh_close(fd);
#endif
    }
    for (int i = 0; i < MODEL_NUM_OUTPUTS; i++)
      if (tf_sh_write(out_fd[i], model_output(i), model_output_bytes(i)) != 0) return 30 + i;
  }
  for (int i = 0; i < MODEL_NUM_INPUTS; i++) tf_sh_close(in_fd[i]);
  for (int i = 0; i < MODEL_NUM_OUTPUTS; i++) tf_sh_close(out_fd[i]);
  char line[160];
  char *p = put_str(line, "TINYFORGE status=");
  p = put_uint(p, (uint32_t)status);
  p = put_str(p, " ticks=");
  p = put_uint(p, first);
  p = put_str(p, " stack=");
  p = put_uint(p, tf_stack_high_water());
  p = put_str(p, " stack_size=");
  p = put_uint(p, tf_stack_size());
  p = put_str(p, " records=");
  p = put_uint(p, records);
  p = put_str(p, " total_ticks=");
  p = put_uint(p, total);
  p = put_str(p, "\n");
  *p = 0;
  tf_sh_puts(line);
  return status == 0 ? 0 : 3;
}
