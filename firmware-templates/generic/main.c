/* tinyforge generic Cortex-M example: run the model once on an input your application provides. */
#include <string.h>
#include "model.h"

int main(void) {
  if (model_init(NULL) != 0) return 1;        /* the model's static arena; or pass your own 16-aligned buffer */
  memset(model_input(0), 0, model_input_bytes(0)); /* replace with your sensor data (MODEL_INPUT0_TYPE) */
  const int status = model_invoke();
  const int8_t *scores = (const int8_t *)model_output(0);
  (void)scores; /* real = MODEL_OUTPUT0_SCALE * (scores[i] - MODEL_OUTPUT0_ZERO_POINT) */
  return status;
}
