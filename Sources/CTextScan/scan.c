#include "CTextScan.h"

#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <emmintrin.h>
#define CLOSER_SSE2 1
#endif

/// Whether the needle sits at `p` (its first and last bytes are already known to match).
static inline int middle_matches(const uint8_t *p, const uint8_t *needle, size_t n) {
  return n <= 2 || memcmp(p + 1, needle + 1, n - 2) == 0;
}

#ifdef CLOSER_SSE2
/// A bit for each of the sixteen places from `at` where the needle's first byte is, with its
/// last byte `n - 1` further on.
static inline unsigned candidates(const uint8_t *at, size_t n, __m128i first, __m128i last) {
  __m128i a = _mm_loadu_si128((const __m128i *)at);
  __m128i b = _mm_loadu_si128((const __m128i *)(at + n - 1));
  return (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last)));
}
#endif

/// Whether bytes [from, to) of the haystack contain the needle.
static int range_contains(const uint8_t *haystack, size_t from, size_t to, const uint8_t *needle, size_t n) {
  if (to - from < n) return 0;
  const uint8_t first = needle[0], last = needle[n - 1];
  size_t pos = from;
#ifdef CLOSER_SSE2
  const __m128i f = _mm_set1_epi8((char)first), l = _mm_set1_epi8((char)last);
  while (pos + 16 + n - 1 <= to) {
    unsigned mask = candidates(haystack + pos, n, f, l);
    while (mask) {
      size_t p = pos + (size_t)__builtin_ctz(mask);
      if (middle_matches(haystack + p, needle, n)) return 1;
      mask &= mask - 1;
    }
    pos += 16;
  }
#endif
  for (; pos + n <= to; pos++) {
    if (haystack[pos] == first && haystack[pos + n - 1] == last && middle_matches(haystack + pos, needle, n)) return 1;
  }
  return 0;
}

size_t closer_scan_entries(const uint8_t *haystack, size_t start, const int64_t *ends, size_t first,
                           size_t limit, const uint8_t *needle, size_t n, int32_t *out) {
  if (first >= limit || n == 0) return 0;
  const size_t end = (size_t)ends[limit - 1];
  const uint8_t first_byte = needle[0], last_byte = needle[n - 1];
  size_t count = 0;
  size_t entry = first;
  size_t pos = start;
#ifdef CLOSER_SSE2
  const __m128i f = _mm_set1_epi8((char)first_byte), l = _mm_set1_epi8((char)last_byte);
  // Sixteen starting places at a time: where the needle's first byte is, and its last byte
  // n - 1 further on. Only those places are checked one by one.
  while (pos + 16 + n - 1 <= end) {
    unsigned mask = candidates(haystack + pos, n, f, l);
    size_t next = pos + 16;
    while (mask) {
      size_t p = pos + (size_t)__builtin_ctz(mask);
      mask &= mask - 1;
      while ((size_t)ends[entry] <= p) entry++;
      if (p + n <= (size_t)ends[entry] && middle_matches(haystack + p, needle, n)) {
        out[count++] = (int32_t)entry;
        // The rest of this entry needs no look: go on from the next one.
        size_t after = (size_t)ends[entry];
        entry++;
        if (entry == limit) return count;
        if (after >= next) {
          next = after;
          break;
        }
        mask &= ~0u << (after - pos);
      }
    }
    pos = next;
  }
#endif
  for (; pos + n <= end; pos++) {
    if (haystack[pos] != first_byte || haystack[pos + n - 1] != last_byte) continue;
    while ((size_t)ends[entry] <= pos) entry++;
    if (pos + n <= (size_t)ends[entry] && middle_matches(haystack + pos, needle, n)) {
      out[count++] = (int32_t)entry;
      pos = (size_t)ends[entry] - 1;
      entry++;
      if (entry == limit) return count;
    }
  }
  return count;
}

size_t closer_test_entries(const uint8_t *haystack, const int64_t *ends, const int32_t *entries, size_t count,
                           const uint8_t *needle, size_t n, int32_t *out) {
  size_t found = 0;
  for (size_t i = 0; i < count; i++) {
    size_t entry = (size_t)entries[i];
    size_t from = entry == 0 ? 0 : (size_t)ends[entry - 1];
    if (range_contains(haystack, from, (size_t)ends[entry], needle, n)) out[found++] = entries[i];
  }
  return found;
}
