/* fuzz.h: the one entry point every fuzz target defines. libFuzzer calls it with each input (make fuzz);
 * replay.c calls it with the committed corpus and regression files (make check, no libFuzzer needed).
 * A target exercises the real code on data only: no files written, no network, everything freed. */
#ifndef VP_TESTS_FUZZ_H
#define VP_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
