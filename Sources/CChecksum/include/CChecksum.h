#ifndef CLOSER_CCHECKSUM_H
#define CLOSER_CCHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/// Continues a CRC-32C (Castagnoli) over `length` bytes with the processor's CRC-32C
/// instruction (SSE 4.2 on x86-64, the CRC extension on 64-bit ARM).
///
/// `crc` is the running value before the final inversion: start with 0xFFFFFFFF and invert
/// the result at the end. Call only when `closer_crc32c_hardware_available()` is true.
uint32_t closer_crc32c_hardware(uint32_t crc, const uint8_t *bytes, size_t length);

/// Whether this processor has a CRC-32C instruction.
int closer_crc32c_hardware_available(void);

/// The CRC-32C of two pieces one after the other, from the (final) CRC-32C of each and
/// the length of the second.
uint32_t closer_crc32c_combine(uint32_t first, uint32_t second, uint64_t secondLength);

#endif
