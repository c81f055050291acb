/* Minimal Cortex-M4 startup for QEMU mps2-an386: vector table, .data
 * copy, .bss zero, FPU enable (hard-float builds), then main() and a
 * semihosting exit with main's status. */
#include <stdint.h>
#include <string.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _stack_top;
extern int main(void);
void reset_handler(void);
void semihost_exit(int code);
void fault_handler(void);

__attribute__((section(".vectors"), used)) static const void *const vectors[16] = {
    &_stack_top, (void *)reset_handler, (void *)fault_handler, (void *)fault_handler,
    (void *)fault_handler, (void *)fault_handler, (void *)fault_handler, 0, 0, 0, 0,
    (void *)fault_handler, (void *)fault_handler, 0, (void *)fault_handler,
    (void *)fault_handler,
};

void reset_handler(void) {
    uint32_t *src = &_sidata, *dst = &_sdata;
    while (dst < &_edata) *dst++ = *src++;
    for (dst = &_sbss; dst < &_ebss; dst++) *dst = 0;
#if defined(__ARM_FP)
    /* CPACR: full access to CP10 and CP11 (the FPU). */
    *(volatile uint32_t *)0xE000ED88 |= (0xFu << 20);
    __asm__ volatile("dsb\n isb");
#endif
    semihost_exit(main());
    for (;;) {
    }
}

/* Semihosting SYS_EXIT with an "application exit" reason and code. */
void semihost_exit(int code) {
    uint32_t block[2] = {0x20026u, (uint32_t)code};
    register uint32_t r0 __asm__("r0") = 0x20;
    register uint32_t *r1 __asm__("r1") = block;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
}

void fault_handler(void) {
    static const char msg[] = "FAULT: hard fault\n";
    register uint32_t r0 __asm__("r0") = 0x04; /* SYS_WRITE0 */
    register const char *r1 __asm__("r1") = msg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    semihost_exit(3);
    for (;;) {
    }
}
