/* tinyforge firmware template: the free-running counter the QEMU harness times invoke with, per board.
 * Under qemu-system-arm -icount shift=0,align=off,sleep=off (one instruction per virtual ns):
 *   MPS2 (mps2-an386, mps2-an500; the default): FPGAIO COUNTER at 25 MHz, 1 tick = 40 instructions.
 *   -DTF_BOARD_NETDUINOPLUS2 (STM32F405): TIM2, 32-bit, prescaler 0; QEMU clocks it at 1 GHz, so
 *   1 tick = 1 instruction (the MPS2 FPGAIO block does not exist there). */
#ifndef TF_COUNTER_H
#define TF_COUNTER_H
#include <stdint.h>

#if defined(TF_BOARD_NETDUINOPLUS2)
#define TF_COUNTER (*(volatile uint32_t *)0x40000024u) /* TIM2_CNT */
#define TF_INSTRUCTIONS_PER_TICK 1
static inline void tf_counter_start(void) {
  *(volatile uint32_t *)0x40023840u |= 1u;          /* RCC_APB1ENR.TIM2EN (on silicon; QEMU ignores RCC) */
  *(volatile uint32_t *)0x40000028u = 0u;           /* TIM2_PSC */
  *(volatile uint32_t *)0x4000002Cu = 0xFFFFFFFFu;  /* TIM2_ARR: wrap at 2^32 */
  *(volatile uint32_t *)0x40000014u = 1u;           /* TIM2_EGR.UG: load the prescaler */
  *(volatile uint32_t *)0x40000000u = 1u;           /* TIM2_CR1.CEN */
}
#else
#define TF_COUNTER (*(volatile uint32_t *)0x40028018u) /* MPS2 FPGAIO COUNTER */
#define TF_INSTRUCTIONS_PER_TICK 40
static inline void tf_counter_start(void) {}
#endif

#endif
