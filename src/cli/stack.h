/* stack.h: what the engine commands share: their options, and opening a stack: the spec validated (before
 * any API call), the state backend the spec or --state names, its lock, and the state read. Errors are
 * printed here; functions return an exit status (0, or 1 after printing). */
#ifndef VP_CLI_STACK_H
#define VP_CLI_STACK_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>

#include "cli/cli.h"
#include "cli/spec_opts.h"
#include "engine/engine.h"
#include "engine/state.h"

enum {
    OPT_VARS = 1u << 0,             /* --var, --var-file */
    OPT_STATE = 1u << 1,            /* --state PATH */
    OPT_JSON = 1u << 2,
    OPT_OUT = 1u << 3,              /* --out FILE */
    OPT_DETAILED = 1u << 4,         /* --detailed-exitcode */
    OPT_AUTO_APPROVE = 1u << 5,
    OPT_PARALLELISM = 1u << 6,
    OPT_TARGET = 1u << 7,
    OPT_LOCK_TIMEOUT = 1u << 8,
    OPT_DESTROY = 1u << 9,          /* plan --destroy */
    OPT_FORMAT = 1u << 10,          /* --format text|json|markdown (--json is --format json) */
};

/* What a report is printed as: the terminal's text, JSON (specs/json-output.md) or Markdown for a pull
 * request comment or a GitHub Actions step summary (cli/render_md.h). */
enum vp_format { VP_FORMAT_TEXT, VP_FORMAT_JSON, VP_FORMAT_MARKDOWN };

struct vp_cmd_opts {
    struct vp_spec_opts spec;
    const char *state_path;
    bool json, detailed, auto_approve, destroy;     /* json: --json, or --format json */
    enum vp_format format;          /* VP_FORMAT_JSON whenever json is set */
    const char *out;
    int parallelism;
    const char **targets;
    size_t n_targets;
    long lock_timeout_ms;
    char **args;                    /* the positional arguments */
    int n_args;
};

/* Parses argv (argv[0] is the command's name) allowing the options in `allowed`. Returns -1 when the
 * command should go on; otherwise the exit status to return at once (0 after printing usage for --help, 1
 * after a usage error), with o already released. */
int vp_cmd_opts_parse(const char *cmd, int argc, char **argv, unsigned allowed, const char *usage,
                      struct vp_cmd_opts *o);
void vp_cmd_opts_release(struct vp_cmd_opts *o);

struct vp_stack {
    struct vp_spec *spec;           /* NULL for state-only commands run with --state */
    struct vp_backend *backend;
    json_t *state;                  /* NULL when there is none yet */
    bool locked;
};

/* Opens the stack: spec_path may be NULL for commands that can work from --state alone. lock_operation
 * non-NULL takes the state lock for that operation. Returns 0, or 1 after printing the error. */
int vp_stack_open(struct vp_cli *cli, const struct vp_cmd_opts *o, const char *spec_path, const char *lock_operation,
                  struct vp_stack *st);
/* Releases the lock (if held) and everything open. */
void vp_stack_close(struct vp_cli *cli, struct vp_stack *st);
/* The spec path a command uses: its positional argument, else vidpipe.yaml when it exists, else NULL. */
const char *vp_default_spec_path(const char *arg);
/* Engine options from command options. */
void vp_cmd_engine_opts(const struct vp_cmd_opts *o, struct vp_engine_opts *eo);

/* SIGINT: the first sets the flag (finish in flight, save, stop), the second ends the process. */
extern volatile sig_atomic_t vp_interrupted;
void vp_install_interrupt_handler(void);

/* Asks "Enter a value: " on a terminal; true only for "yes". Never waits without a terminal: false then,
 * with a message telling to pass --auto-approve. */
bool vp_confirm(const char *question);

/* Whether to colour output on this stream: a terminal and NO_COLOR unset. */
bool vp_use_color(FILE *out);

#endif
