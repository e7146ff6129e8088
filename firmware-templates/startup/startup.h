/* tinyforge firmware template: startup services shared by the harnesses. */
#ifndef TF_STARTUP_H
#define TF_STARTUP_H
#include <stdint.h>

/* Deepest stack use since reset, in bytes (the stack is painted before main). */
uint32_t tf_stack_high_water(void);
uint32_t tf_stack_size(void);
/* Ends the program: semihosting exit with the code under QEMU / a debugger (semihost.c). */
void tf_exit(int code) __attribute__((noreturn));

#endif
