// GNU readline (GPL-3): linked only by the nn executable, never by NNScript.
#pragma once
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

// Accessors for readline's global variables: Swift 6 refuses direct use of
// mutable C globals, and the REPL touches them only from its main thread.
static inline char *nn_rl_line_buffer(void) { return rl_line_buffer; }
static inline int nn_rl_point(void) { return rl_point; }
static inline int nn_rl_end(void) { return rl_end; }
static inline void nn_rl_set_point(int v) { rl_point = v; }
static inline void nn_rl_set_end(int v) { rl_end = v; }
static inline void nn_rl_set_mark(int v) { rl_mark = v; }
static inline void nn_rl_set_readline_name(const char *v) { rl_readline_name = v; }
static inline void nn_rl_set_catch_signals(int v) { rl_catch_signals = v; }
static inline void nn_rl_set_word_break_characters(const char *v) {
    rl_basic_word_break_characters = v;
    rl_completer_word_break_characters = (char *)v;
}
static inline void nn_rl_set_completer_quote_characters(const char *v) { rl_completer_quote_characters = v; }
static inline void nn_rl_set_attempted_completion_function(rl_completion_func_t *f) { rl_attempted_completion_function = f; }
static inline void nn_rl_set_attempted_completion_over(int v) { rl_attempted_completion_over = v; }
static inline void nn_rl_set_completion_append_character(int v) { rl_completion_append_character = v; }
static inline int nn_history_length(void) { return history_length; }
static inline int nn_history_base(void) { return history_base; }
static inline void nn_history_set_write_timestamps(int v) { history_write_timestamps = v; }
static inline void nn_history_set_multiline_entries(int v) { history_multiline_entries = v; }
