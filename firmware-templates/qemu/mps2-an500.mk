# QEMU mps2-an500: Cortex-M7 (FPv5), 4 MiB SSRAM1 at 0 (code), RAM at 0x20000000.
CPU_FLAGS := -mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16
QEMU_MACHINE := mps2-an500
QEMU_CPU := cortex-m7
LINKER_SCRIPT := cortex-m.ld
BOARD_RAM_SIZE := 262144
BOARD_CFLAGS :=
