/* tinyforge harness for the host (gcc/clang): model <in0.bin>... -- <out0.bin>... Reads each input,
 * runs one invoke, writes each output. Exit 0 on success. */
#include <stdio.h>
#include <string.h>
#include "model.h"

static int io(const char *path, void *buf, size_t n, int write) {
  FILE *f = fopen(path, write ? "wb" : "rb");
  if (!f) return -1;
  const size_t done = write ? fwrite(buf, 1, n, f) : fread(buf, 1, n, f);
  fclose(f);
  return done == n ? 0 : -1;
}

int main(int argc, char **argv) {
  if (argc != 1 + MODEL_NUM_INPUTS + MODEL_NUM_OUTPUTS) {
    fprintf(stderr, "usage: %s %d input file(s) then %d output file(s)\n", argv[0], MODEL_NUM_INPUTS, MODEL_NUM_OUTPUTS);
    return 2;
  }
  if (model_init(NULL) != 0) return 2;
  for (int i = 0; i < MODEL_NUM_INPUTS; i++)
    if (io(argv[1 + i], model_input(i), model_input_bytes(i), 0) != 0) {
      fprintf(stderr, "cannot read %zu bytes from %s\n", model_input_bytes(i), argv[1 + i]);
      return 3;
    }
  const int status = model_invoke();
  if (status != 0) {
    fprintf(stderr, "invoke failed with status %d\n", status);
    return 4;
  }
  for (int i = 0; i < MODEL_NUM_OUTPUTS; i++)
    if (io(argv[1 + MODEL_NUM_INPUTS + i], model_output(i), model_output_bytes(i), 1) != 0) {
      fprintf(stderr, "cannot write %s\n", argv[1 + MODEL_NUM_INPUTS + i]);
      return 5;
    }
  return 0;
}
