/* tinyforge kernel library: the bases the kernels resolve tensor references against. */
#include "tf_kernels.h"

uint8_t *tf_arena;
const uint8_t *tf_consts;
int32_t tf_status;
