#ifndef CLOSER_TEXT_SCAN_H
#define CLOSER_TEXT_SCAN_H

#include <stddef.h>
#include <stdint.h>

/// Finds the entries of a packed text buffer that contain `needle`.
///
/// Entries are consecutive runs of bytes in `haystack`: entry `i` ends (exclusive) at
/// `ends[i]` and starts where entry `i - 1` ends (entry 0 at `start`). Entries `first`
/// up to, not including, `limit` are tested; the numbers of those that contain the needle
/// are written to `out` in ascending order (room for `limit - first` of them) and their
/// count is returned. A match never spans two entries. `needle_length` must be at least 1.
size_t closer_scan_entries(const uint8_t *haystack, size_t start, const int64_t *ends, size_t first,
                           size_t limit, const uint8_t *needle, size_t needle_length, int32_t *out);

/// Tests only the listed entries (ascending numbers in `entries`), with the same layout and
/// rules as `closer_scan_entries`; `ends[-1]` is never read for entry 0, which starts at 0.
size_t closer_test_entries(const uint8_t *haystack, const int64_t *ends, const int32_t *entries, size_t count,
                           const uint8_t *needle, size_t needle_length, int32_t *out);

#endif
