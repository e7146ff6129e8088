/* tinyforge firmware template: per-call profiling for the QEMU harness (qemu_main.c -DTF_PROFILE_CALLS).
 * model.c is compiled with -include tf_profile.h: TF_PROFILE_CALL(i) stores the board's counter
 * (tf_counter.h: 40 instructions per tick on MPS2, 1 on netduinoplus2) after kernel call i. */
#ifndef TF_PROFILE_H
#define TF_PROFILE_H
#include <stdint.h>
#include "tf_counter.h"
extern uint32_t tf_profile_ticks[];
#define TF_PROFILE_CALL(i) (tf_profile_ticks[(i)] = TF_COUNTER)
#endif
