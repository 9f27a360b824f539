// Giving the terminal back when the board crashes. A signal handler may only call
// async-signal-safe functions (write, tcsetattr, raise), never curses, stdio or malloc, so
// everything it needs is prepared beforehand in static storage: the terminal's mode before
// curses changed it, and the bytes that reset attributes, show the cursor and leave the
// alternate screen. The handler writes them, restores the mode and raises the signal again
// with its default action, so the process ends as it would have (exit status, core dump)
// without ever waiting for a key.
#ifndef CLOSER_CNCURSESW_CRASH_H
#define CLOSER_CNCURSESW_CRASH_H

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

struct closer_crash_state {
  struct termios mode;
  volatile sig_atomic_t has_mode;
  volatile sig_atomic_t armed;
  char bytes[256];
  size_t length;
  char stack[65536];
};

/// The one state, static storage inside a function (Swift emits the functions of an
/// imported header, not its variables).
static inline struct closer_crash_state *closer_crash(void) {
  static struct closer_crash_state state;
  return &state;
}

/// Remembers the terminal's mode; call before curses changes it.
static inline void closer_crash_save_mode(void) {
  struct closer_crash_state *state = closer_crash();
  state->has_mode = tcgetattr(0, &state->mode) == 0;
}

/// Adds a terminfo string to the bytes written on a crash, without its padding (`$<5>`).
static inline void closer_crash_append(const char *text) {
  struct closer_crash_state *state = closer_crash();
  if (text == NULL || text == (const char *)-1) return;
  for (const char *p = text; *p != '\0'; p++) {
    if (p[0] == '$' && p[1] == '<') {
      const char *end = strchr(p, '>');
      if (end != NULL) {
        p = end;
        continue;
      }
    }
    if (state->length >= sizeof state->bytes) return;
    state->bytes[state->length++] = *p;
  }
}

/// Works out the bytes that undo what curses did to the screen; call once the terminal
/// type is loaded (after newterm).
static inline void closer_crash_prepare(void) {
  closer_crash()->length = 0;
  closer_crash_append(tigetstr("sgr0"));
  closer_crash_append(tigetstr("cnorm"));
  closer_crash_append(tigetstr("rmkx"));
  closer_crash_append(tigetstr("rmcup"));
  closer_crash_append("\033[?2004l");  // bracketed paste off
  closer_crash_append("\033[?1006l\033[?1002l\033[?1000l");  // mouse reports off
}

/// Whether a crash now should restore the terminal: only while the board holds it (not
/// while the rep's editor has it, nor after the board gave it back).
static inline void closer_crash_arm(int armed) { closer_crash()->armed = armed; }

/// Async-signal-safe: write and tcsetattr only.
static inline void closer_crash_restore(void) {
  struct closer_crash_state *state = closer_crash();
  if (!state->armed) return;
  state->armed = 0;
  size_t offset = 0;
  while (offset < state->length) {
    ssize_t written = write(1, state->bytes + offset, state->length - offset);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) break;
    offset += (size_t)written;
  }
  if (state->has_mode) tcsetattr(0, TCSANOW, &state->mode);
}

static inline void closer_crash_handler(int number) {
  closer_crash_restore();
  // SA_RESETHAND has put the default action back, and SA_NODEFER lets it run at once.
  raise(number);
}

/// Installs the handler for the signals of a crash (a bad access, a trap such as a Swift
/// runtime check, an abort), replacing the Swift runtime's own, which would show its
/// backtrace over the board and wait for a key.
static inline void closer_crash_install(void) {
  stack_t current;
  // A stack of its own, so that even a stack overflow can be handled.
  if (sigaltstack(NULL, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
    stack_t own;
    memset(&own, 0, sizeof own);
    own.ss_sp = closer_crash()->stack;
    own.ss_size = sizeof(closer_crash()->stack);
    sigaltstack(&own, NULL);
  }
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = closer_crash_handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND | SA_NODEFER | SA_ONSTACK;
  const int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE};
  for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaction(signals[i], &action, NULL);
}

#endif
