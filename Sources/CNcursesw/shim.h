// ncursesw for Swift. SwiftPM drops the -D flags from ncursesw.pc, so the wide-character
// API is switched on here; C globals and macros that Swift cannot import are wrapped in
// small inline functions.
#ifndef CLOSER_CNCURSESW_SHIM_H
#define CLOSER_CNCURSESW_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <stdio.h>
#include <wchar.h>
#include <ncurses.h>

#include "crash.h"

int wcwidth(wchar_t c);

static inline WINDOW *closer_stdscr(void) { return stdscr; }
static inline int closer_cols(void) { return COLS; }
static inline int closer_lines(void) { return LINES; }
static inline int closer_colors(void) { return COLORS; }
static inline int closer_color_pairs(void) { return COLOR_PAIRS; }
static inline FILE *closer_stdout(void) { return stdout; }
static inline FILE *closer_stdin(void) { return stdin; }

static inline attr_t closer_a_normal(void) { return A_NORMAL; }
static inline attr_t closer_a_bold(void) { return A_BOLD; }
static inline attr_t closer_a_reverse(void) { return A_REVERSE; }
static inline attr_t closer_a_dim(void) { return A_DIM; }
static inline attr_t closer_a_underline(void) { return A_UNDERLINE; }

/// Writes one character cell (a base character and its combining marks) at y, x.
static inline int closer_put_cell(int y, int x, const wchar_t *text, attr_t attrs, short pair) {
  cchar_t cell;
  if (setcchar(&cell, text, attrs, pair, NULL) != OK) return ERR;
  return mvadd_wch(y, x, &cell);
}

static inline int closer_get_wch(wint_t *key) { return get_wch(key); }

#endif
