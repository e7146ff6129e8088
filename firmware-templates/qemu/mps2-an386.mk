# QEMU mps2-an386: Cortex-M4F (FPv4-SP), 4 MiB SSRAM1 at 0 (code), RAM at 0x20000000.
CPU_FLAGS := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
QEMU_MACHINE := mps2-an386
QEMU_CPU := cortex-m4
LINKER_SCRIPT := cortex-m.ld
BOARD_RAM_SIZE := 262144
BOARD_CFLAGS :=
