/* tinyforge firmware template: Cortex-M startup. Vector table, a reset handler that copies .data,
 * zeroes .bss, enables the FPU (when built for one) and paints the stack, then calls main().
 * tf_stack_high_water() reports the deepest stack use since reset (bytes below the stack top that no
 * longer hold the paint pattern). C99 + GCC attributes; no CMSIS. */
#include <stdint.h>
#include "startup.h"

extern uint32_t __etext_data; /* load address of .data in flash */
extern uint32_t __data_start__, __data_end__, __bss_start__, __bss_end__;
extern uint32_t __stack_limit__, __stack_top__;

int main(void);

#define TF_STACK_PAINT 0xC0FFEE11u

void Reset_Handler(void) __attribute__((noreturn, naked));
void Default_Handler(void);
void HardFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void NMI_Handler(void) __attribute__((weak, alias("Default_Handler")));
void MemManage_Handler(void) __attribute__((weak, alias("Default_Handler")));
void BusFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void UsageFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SVC_Handler(void) __attribute__((weak, alias("Default_Handler")));
void PendSV_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SysTick_Handler(void) __attribute__((weak, alias("Default_Handler")));

typedef void (*tf_vector)(void);

__attribute__((section(".vectors"), used)) const tf_vector tf_vector_table[16] = {
  (tf_vector)(uintptr_t)&__stack_top__, Reset_Handler, NMI_Handler, HardFault_Handler, MemManage_Handler,
  BusFault_Handler, UsageFault_Handler, 0, 0, 0, 0, SVC_Handler, 0, 0, PendSV_Handler, SysTick_Handler,
};

__attribute__((noreturn, used)) static void tf_reset_c(void) {
  uint32_t *src = &__etext_data, *dst = &__data_start__;
  while (dst < &__data_end__) *dst++ = *src++;
  for (dst = &__bss_start__; dst < &__bss_end__; dst++) *dst = 0;
#if defined(__ARM_FP)
  /* CPACR: full access to CP10 and CP11 (the FPU). */
  *(volatile uint32_t *)0xE000ED88u |= (0xFu << 20);
  __asm volatile("dsb\n isb" ::: "memory");
#endif
  /* Paint the stack below the current frame. */
  uint32_t *sp;
  __asm volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t *p = &__stack_limit__; p < sp - 16; p++) *p = TF_STACK_PAINT;
  tf_exit(main());
}

/* Naked: sets SP (the vector table already did on a real reset) and jumps to C with no stack frame of its own. */
void Reset_Handler(void) {
  __asm volatile(
      "ldr r0, =__stack_top__\n"
      "mov sp, r0\n"
      "b tf_reset_c\n");
}

/* Any fault or unexpected interrupt ends the program with exit code 100. */
void Default_Handler(void) {
  tf_exit(100);
}

uint32_t tf_stack_high_water(void) {
  const uint32_t *p = &__stack_limit__;
  while (p < &__stack_top__ && *p == TF_STACK_PAINT) p++;
  return (uint32_t)((uintptr_t)&__stack_top__ - (uintptr_t)p);
}

uint32_t tf_stack_size(void) {
  return (uint32_t)((uintptr_t)&__stack_top__ - (uintptr_t)&__stack_limit__);
}
