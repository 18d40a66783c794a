/*
 * The libFuzzer entry point every C fuzz target defines, declared once:
 * tests/fuzz/CMakeLists.txt includes this header ahead of each target's
 * source (-include), so a target needs no declaration of its own under
 * -Wmissing-prototypes.
 */
#ifndef TVC_FUZZ_TARGET_H
#define TVC_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input; returns 0 (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
