/* tinyforge firmware template: per-call profiling for the QEMU harness (qemu_main.c -DTF_PROFILE_CALLS).
 * model.c is compiled with -include tf_profile.h: TF_PROFILE_CALL(i) stores the MPS2 FPGAIO counter
 * (1 tick = 40 instructions under -icount shift=0) after kernel call i. */
#ifndef TF_PROFILE_H
#define TF_PROFILE_H
#include <stdint.h>
extern uint32_t tf_profile_ticks[];
#define TF_PROFILE_CALL(i) (tf_profile_ticks[(i)] = *(volatile uint32_t *)0x40028018u)
#endif
