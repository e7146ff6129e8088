# QEMU netduinoplus2: STM32F405RG, Cortex-M4F (FPv4-SP), 1 MiB flash at 0x08000000, 128 KiB SRAM at
# 0x20000000 (linker/netduinoplus2.ld); the harness times invoke with TIM2 (harness/tf_counter.h).
CPU_FLAGS := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
QEMU_MACHINE := netduinoplus2
QEMU_CPU := cortex-m4
LINKER_SCRIPT := netduinoplus2.ld
BOARD_RAM_SIZE := 131072
BOARD_CFLAGS := -DTF_BOARD_NETDUINOPLUS2
