/* apply_run.h: what apply and destroy share: plan, show, confirm, apply with progress lines, report. */
#ifndef VP_CLI_APPLY_RUN_H
#define VP_CLI_APPLY_RUN_H

#include <stdbool.h>

#include "cli/stack.h"

/* Runs apply (destroy false) or destroy for the stack of spec_path, or a saved plan (planfile_path set,
 * spec_path NULL). Returns the exit status. */
int vp_run_apply(struct vp_cli *cli, struct vp_cmd_opts *o, const char *spec_path, const char *planfile_path,
                 bool destroy);

#endif
