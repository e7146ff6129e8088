/* tinyforge harness for the host (gcc/clang): model <in0.bin>... <out0.bin>... Runs a batch in one
 * process: each input file holds N records of that input back to back (N = its size over the tensor's
 * bytes, the same N for every input); for each record, one invoke, its outputs appended to each output
 * file. Exit 0 on success. */
#include <stdio.h>
#include <string.h>
#include "model.h"

/* Records in an input file of `bytes`-byte records, or -1 when its size is not a positive multiple. */
static long record_count(FILE *f, size_t bytes) {
  if (bytes == 0 || fseek(f, 0, SEEK_END) != 0) return -1;
  const long size = ftell(f);
  if (size <= 0 || (size_t)size % bytes != 0 || fseek(f, 0, SEEK_SET) != 0) return -1;
  return (long)((size_t)size / bytes);
}

int main(int argc, char **argv) {
  if (argc != 1 + MODEL_NUM_INPUTS + MODEL_NUM_OUTPUTS) {
    fprintf(stderr, "usage: %s %d input file(s) then %d output file(s)\n", argv[0], MODEL_NUM_INPUTS, MODEL_NUM_OUTPUTS);
    return 2;
  }
  if (model_init(NULL) != 0) return 2;
  FILE *in[MODEL_NUM_INPUTS];
  FILE *out[MODEL_NUM_OUTPUTS];
  long records = 0;
  for (int i = 0; i < MODEL_NUM_INPUTS; i++) {
    const char *path = argv[1 + i];
    if (!(in[i] = fopen(path, "rb"))) {
      fprintf(stderr, "cannot open %s\n", path);
      return 3;
    }
    const long n = record_count(in[i], model_input_bytes(i));
    if (n < 0 || (i > 0 && n != records)) {
      fprintf(stderr, "%s is not %s records of %zu bytes\n", path, i > 0 ? "the same number of" : "a whole number of", model_input_bytes(i));
      return 3;
    }
    records = n;
  }
  for (int i = 0; i < MODEL_NUM_OUTPUTS; i++)
    if (!(out[i] = fopen(argv[1 + MODEL_NUM_INPUTS + i], "wb"))) {
      fprintf(stderr, "cannot write %s\n", argv[1 + MODEL_NUM_INPUTS + i]);
      return 5;
    }
  for (long r = 0; r < records; r++) {
    /* Every record is an independent inference: a stateful model's variable tensors start from their
     * initial value, as the reference engine runs each set. Every record is read fresh: the plan reuses the input bytes. */
    model_reset();
    for (int i = 0; i < MODEL_NUM_INPUTS; i++)
      if (fread(model_input(i), 1, model_input_bytes(i), in[i]) != model_input_bytes(i)) {
        fprintf(stderr, "cannot read record %ld (%zu bytes) from %s\n", r, model_input_bytes(i), argv[1 + i]);
        return 3;
      }
    const int status = model_invoke();
    if (status != 0) {
      fprintf(stderr, "invoke of record %ld failed with status %d\n", r, status);
      return 4;
    }
    for (int i = 0; i < MODEL_NUM_OUTPUTS; i++)
      if (fwrite(model_output(i), 1, model_output_bytes(i), out[i]) != model_output_bytes(i)) {
        fprintf(stderr, "cannot write %s\n", argv[1 + MODEL_NUM_INPUTS + i]);
        return 5;
      }
  }
  for (int i = 0; i < MODEL_NUM_INPUTS; i++) fclose(in[i]);
  for (int i = 0; i < MODEL_NUM_OUTPUTS; i++)
    if (fclose(out[i]) != 0) {
      fprintf(stderr, "cannot write %s\n", argv[1 + MODEL_NUM_INPUTS + i]);
      return 5;
    }
  return 0;
}
