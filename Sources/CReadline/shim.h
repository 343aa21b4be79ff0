// GNU readline (GPL-3): used only by the nn executable's REPL, never by NNScript.
//
// Not linked: the REPL opens libreadline with dlopen when an interactive
// session starts (nn/ReadlineLibrary.swift), so `nn FILE` and `nn -e` do not
// load readline and libtinfo nor bind their ~550 symbols at start-up
// (issue 20). The headers give the types; the function-pointer types below
// are the declarations' own, and each global is reached through a pointer
// to it (dlsym gives its address).
#pragma once
#include <stdio.h>
#include <dlfcn.h>
#include <readline/readline.h>
#include <readline/history.h>

typedef __typeof__(read_history) *nn_read_history_fn;
typedef __typeof__(history_truncate_file) *nn_history_truncate_file_fn;
typedef __typeof__(history_get) *nn_history_get_fn;
typedef __typeof__(add_history) *nn_add_history_fn;
typedef __typeof__(append_history) *nn_append_history_fn;
typedef __typeof__(stifle_history) *nn_stifle_history_fn;
typedef __typeof__(using_history) *nn_using_history_fn;
typedef __typeof__(rl_callback_handler_install) *nn_rl_callback_handler_install_fn;
typedef __typeof__(rl_callback_handler_remove) *nn_rl_callback_handler_remove_fn;
typedef __typeof__(rl_callback_read_char) *nn_rl_callback_read_char_fn;
typedef __typeof__(rl_callback_sigcleanup) *nn_rl_callback_sigcleanup_fn;
typedef __typeof__(rl_redisplay) *nn_rl_redisplay_fn;
typedef __typeof__(rl_free_line_state) *nn_rl_free_line_state_fn;
typedef __typeof__(rl_completion_matches) *nn_rl_completion_matches_fn;

// Readline's global variables, read and set through their addresses (from
// dlsym): one accessor per C type, the same for every readline version
// (some declare the word-break strings `char *`, newer ones `const char *`).
static inline int nn_rl_int(void *address) { return *(int *)address; }
static inline void nn_rl_set_int(void *address, int v) { *(int *)address = v; }
static inline char *nn_rl_string(void *address) { return *(char **)address; }
static inline void nn_rl_set_string(void *address, const char *v) { *(const char **)address = v; }
static inline void nn_rl_set_completion_function(void *address, rl_completion_func_t *f) {
    *(rl_completion_func_t **)address = f;
}
